/**
 * Chanx topics (DESIGN §10) in the model: which `x-topic` channels are topics of which parent
 * channel, their pattern and parameters, which ones are served on a dedicated route (connecting
 * subscribes), and which channel's folder implements each topic. Pure: no I/O.
 */
import type { Diagnostic } from '../load/diagnostics.js';
import type { DocumentView } from '../load/document-view.js';
import { camelCase, NameAllocator, pascalCase } from './names.js';
import type { ChannelModel } from './types.js';

/** Actions the topic protocol itself uses; a topic's own messages cannot take them. */
export const TOPIC_PROTOCOL_ACTIONS = ['subscribe', 'unsubscribe'] as const;

/** The `{variables}` of a topic pattern (`room:{room_name}` -> room_name), as Chanx reads them. */
export function patternParams(pattern: string): string[] {
  return [...pattern.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

interface XTopic {
  name: string;
  pattern: string;
}

/** Where a problem lies: a path inside the channel's object in the spec. */
export type ChannelLocator = (key: string, ...rest: string[]) => { file: string; line: number; column: number };

/**
 * Sets `topic` on every x-topic channel, `topicOf` on hosted ones and `topics` on their parents.
 * Returns the problems found: errors (the document cannot be served as written) and warnings.
 */
export function linkTopics(channels: ChannelModel[], document: DocumentView, locate: ChannelLocator): Diagnostic[] {
  const problems: Diagnostic[] = [];
  const declared = new Map<string, XTopic>();
  const isTopic = new Set<string>();
  for (const c of document.channels) {
    const raw = c.extensions['x-topic'];
    if (raw === undefined) continue;
    isTopic.add(c.id);
    const info = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    if (typeof info['pattern'] !== 'string' || info['pattern'] === '') {
      problems.push({
        severity: 'warning',
        ...locate(c.id, 'x-topic'),
        message: `channel '${c.id}' has an x-topic without a pattern (such as 'room:{room_name}'); it is served as a plain channel`,
      });
      continue;
    }
    declared.set(c.id, { name: typeof info['name'] === 'string' && info['name'] !== '' ? info['name'] : c.id, pattern: info['pattern'] });
  }

  const byName = new Map<string, ChannelModel[]>();
  for (const channel of channels) {
    const x = declared.get(channel.key);
    if (x === undefined) continue;
    for (const m of channel.incoming) {
      if ((TOPIC_PROTOCOL_ACTIONS as readonly string[]).includes(m.tag ?? '')) {
        problems.push({
          severity: 'error',
          ...locate(channel.key, 'messages', m.key),
          message: `message '${m.key}' of topic channel '${channel.key}' uses the action '${m.tag}', which the topic protocol reserves for itself`,
        });
      }
    }
    const parent = channels.find((c) => c !== channel && c.address === channel.address && !isTopic.has(c.key));
    const params = patternParams(x.pattern);
    if (parent === undefined) {
      const fromUrl = new Set(channel.params.map((p) => p.name));
      const missing = params.filter((p) => !fromUrl.has(p));
      if (missing.length > 0) {
        problems.push({
          severity: 'error',
          ...locate(channel.key, 'x-topic'),
          message: `topic channel '${channel.key}' is served on its own route, where connecting subscribes to '${x.pattern}', but its address '${channel.address}' has no ${missing.map((p) => `{${p}}`).join(', ')} to fill the pattern with`,
        });
      }
    } else {
      channel.topicOf = { parent: parent.key, name: x.name, pattern: x.pattern };
      parent.topics = [...(parent.topics ?? []), channel.key].sort();
    }
    channel.topic = { name: x.name, pattern: x.pattern, params, parent: parent?.key ?? null, implementedBy: channel.key, className: '', definition: '' };
    byName.set(x.name, [...(byName.get(x.name) ?? []), channel]);
  }

  // One implementation per topic: a dedicated route that documents the same topic as a hosted
  // channel (same name, pattern and messages) reuses its class, so both routes share code and groups.
  const classes = new NameAllocator(channels.map((c) => `${c.typeName}Consumer`));
  const consts = new NameAllocator(channels.map((c) => camelCase(`${c.typeName}_channel`)));
  for (const name of [...byName.keys()].sort()) {
    const group = byName.get(name)!.sort((a, b) => Number(a.topic!.parent === null) - Number(b.topic!.parent === null) || cmp(a.key, b.key));
    const implementations: ChannelModel[] = [];
    for (const channel of group) {
      const twin = implementations.find((i) => i.topic!.pattern === channel.topic!.pattern && signature(i) === signature(channel));
      if (twin !== undefined) {
        channel.topic!.implementedBy = twin.key;
        channel.topic!.className = twin.topic!.className;
        channel.topic!.definition = twin.topic!.definition;
        continue;
      }
      const className = classes.allocate(pascalCase(name, 'Topic'));
      channel.topic!.className = className;
      channel.topic!.definition = consts.allocate(camelCase(className));
      implementations.push(channel);
    }
  }
  return problems;
}

/** What a topic's clients can send and receive: two channels with the same one can share a class. */
function signature(channel: ChannelModel): string {
  return JSON.stringify([channel.discriminator, channel.incoming.map((m) => [m.tag, m.typeName, m.handler.replies]), channel.outgoing.map((m) => m.typeName)]);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
