/**
 * DocumentView over a dereferenced document, without @asyncapi/parser: 2.x channels with
 * publish/subscribe (publish: the server receives), 3.x channels and operations, traits merged the
 * way the parser merges them, component schemas marked with their keys.
 */
import { parameterEnum, SCHEMA_ID, type ChannelView, type DocumentView, type MessageView, type OperationView } from './document-view.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const entries = (v: unknown): [string, Obj][] => (isObj(v) ? (Object.entries(v).filter(([, x]) => isObj(x)) as [string, Obj][]) : []);

export function viewFromRaw(root: Obj): DocumentView {
  const version = String(root['asyncapi']);
  const v2 = version.startsWith('2.');
  const components = isObj(root['components']) ? root['components'] : {};
  // Taken before traits are merged: merging copies an operation's `channel` object.
  const channelOf = new Map(entries(root['operations']).map(([, op]) => [op, op['channel']]));
  // A 2.x message is known by its messageId, else by its key under components.messages.
  const componentKey = new Map(entries(components['messages']).map(([key, m]) => [m as object, key]));
  if (v2) applyTraitsV2(root);
  else applyTraitsV3(root);
  const componentSchemas = entries(components['schemas']).map(([id, schema]) => {
    const underlying = isObj(schema['schema']) && schema['schemaFormat'] !== undefined ? schema['schema'] : schema;
    underlying[SCHEMA_ID] = id;
    return { id, schema: underlying };
  });
  const info = isObj(root['info']) ? root['info'] : {};
  return {
    version,
    title: str(info['title']) ?? '',
    apiVersion: str(info['version']) ?? '',
    componentSchemas,
    channels: v2 ? channelsV2(root, componentKey) : channelsV3(root, channelOf),
  };
}

function message(m: Obj, id: string | undefined): MessageView {
  const payload = m['payload'];
  const underlying = isObj(payload) && isObj(payload['schema']) && payload['schemaFormat'] !== undefined ? payload['schema'] : payload;
  return { id, identity: m, name: str(m['name']), title: str(m['title']), summary: str(m['summary']), description: str(m['description']), payload: underlying };
}

function channelBase(id: string, c: Obj): Omit<ChannelView, 'messages' | 'operations'> {
  return {
    id,
    address: str(c['address']),
    title: str(c['title']),
    description: str(c['description']),
    extensions: Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith('x-'))),
    parameters: entries(c['parameters']).map(([pid, p]) => ({ id: pid, description: str(p['description']), enum: parameterEnum(p) })),
  };
}

function channelsV3(root: Obj, channelOf: Map<Obj, unknown>): ChannelView[] {
  const operations = entries(root['operations']);
  return entries(root['channels']).map(([id, c]) => {
    const own = entries(c['messages']);
    const keyOf = (m: Obj) => own.find(([, x]) => x === m)?.[0];
    const list = (v: unknown): MessageView[] => (Array.isArray(v) ? v.filter(isObj).map((m) => message(m, keyOf(m))) : []);
    const ops: OperationView[] = operations
      .filter(([, op]) => channelOf.get(op) === c)
      .map(([opId, op]) => {
        const reply = isObj(op['reply']) ? op['reply'] : undefined;
        return {
          id: opId,
          isReceive: op['action'] === 'receive',
          summary: str(op['summary']),
          description: str(op['description']),
          messages: list(op['messages']),
          replies: reply === undefined ? undefined : list(reply['messages']),
        };
      });
    return { ...channelBase(id, c), messages: own.map(([key, m]) => message(m, key)), operations: ops };
  });
}

function channelsV2(root: Obj, componentKey: Map<object, string>): ChannelView[] {
  return entries(root['channels']).map(([id, c]) => {
    const ops: OperationView[] = [];
    const messages: MessageView[] = [];
    for (const action of ['publish', 'subscribe'] as const) {
      const op = c[action];
      if (!isObj(op)) continue;
      const m = op['message'];
      const list = (isObj(m) && Array.isArray(m['oneOf']) ? m['oneOf'] : [m]).filter(isObj).map((x) => message(x, str(x['messageId']) ?? componentKey.get(x)));
      messages.push(...list.filter((x) => !messages.some((y) => y.identity === x.identity)));
      ops.push({ id: str(op['operationId']) ?? action, isReceive: action === 'publish', summary: str(op['summary']), description: str(op['description']), messages: list, replies: undefined });
    }
    return { ...channelBase(id, c), address: id, messages, operations: ops };
  });
}

/** JSON merge patch (RFC 7386), as the parser applies traits: never modifies `origin`. */
function mergePatch(origin: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const result: Obj = isObj(origin) ? { ...origin } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** 2.x: each trait is merged over the object (the trait wins), in order. */
function applyTraitsV2(root: Obj): void {
  const targets: Obj[] = [];
  for (const [, c] of [...entries(root['channels']), ...entries(isObj(root['components']) ? root['components']['channels'] : undefined)]) {
    for (const action of ['publish', 'subscribe']) {
      const op = c[action];
      if (!isObj(op)) continue;
      targets.push(op);
      const m = op['message'];
      if (isObj(m)) {
        targets.push(m);
        if (Array.isArray(m['oneOf'])) targets.push(...m['oneOf'].filter(isObj));
      }
    }
  }
  targets.push(...entries(isObj(root['components']) ? root['components']['messages'] : undefined).map(([, m]) => m));
  const seen = new Set<Obj>();
  for (const value of targets) {
    if (seen.has(value) || !Array.isArray(value['traits'])) continue;
    seen.add(value);
    for (const trait of value['traits'] as unknown[]) {
      if (!isObj(trait)) continue;
      for (const key of Object.keys(trait)) value[key] = mergePatch(value[key], trait[key]);
    }
  }
}

/** 3.x: traits first, then the object itself on top (the object wins). */
function applyTraitsV3(root: Obj): void {
  const components = isObj(root['components']) ? root['components'] : {};
  const targets: Obj[] = [];
  const channels = [...entries(root['channels']), ...entries(components['channels'])].map(([, c]) => c);
  const operations = [...entries(root['operations']), ...entries(components['operations'])].map(([, o]) => o);
  targets.push(...channels, ...operations);
  for (const op of operations) {
    if (isObj(op['channel'])) targets.push(...entries(op['channel']['messages']).map(([, m]) => m));
    if (Array.isArray(op['messages'])) targets.push(...op['messages'].filter(isObj));
  }
  for (const c of channels) targets.push(...entries(c['messages']).map(([, m]) => m));
  targets.push(...entries(components['messages']).map(([, m]) => m));
  const seen = new Set<Obj>();
  for (const value of targets) {
    if (seen.has(value)) continue;
    seen.add(value);
    if (!Array.isArray(value['traits'])) continue;
    const copy = { ...value };
    for (const key of Object.keys(value)) delete value[key];
    for (const layer of [...(copy['traits'] as unknown[]), copy]) {
      if (!isObj(layer)) continue;
      for (const key of Object.keys(layer)) value[key] = mergePatch(value[key], layer[key]);
    }
  }
}
