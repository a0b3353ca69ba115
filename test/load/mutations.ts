/**
 * Seeded mutations of AsyncAPI documents for the differential test: each takes a valid document and
 * returns the text of a variant that is likely (not certain) to be judged differently by a loader
 * that cuts corners: fields dropped or retyped, refs broken, examples and defaults contradicting
 * their schemas, unknown keys, versions, ids, servers, security, parameters, and YAML oddities
 * (flow collections, tabs, duplicate keys, tags, anchors, aliases, merge keys, directives).
 */
import { parse as parseYaml, stringify } from 'yaml';

type Json = Record<string, unknown>;
export type Random = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function seeded(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every container in the document with its path (objects and arrays), depth first. */
function containers(
  data: unknown,
  at: (string | number)[] = [],
  out: [(string | number)[], Json | unknown[]][] = [],
): [(string | number)[], Json | unknown[]][] {
  if (isObject(data) || Array.isArray(data)) {
    out.push([at, data]);
    const entries: [string | number, unknown][] = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
    for (const [k, v] of entries) containers(v, [...at, k], out);
  }
  return out;
}

const objects = (data: unknown) => containers(data).filter((c): c is [(string | number)[], Json] => isObject(c[1]));
const get = (data: unknown, at: readonly (string | number)[]): unknown =>
  at.reduce<unknown>((n, k) => (isObject(n) || Array.isArray(n) ? (n as Json)[k as string] : undefined), data);

/** Schemas with a `type` (payloads, component schemas, properties): where examples and defaults can contradict. */
function typedSchemas(data: unknown): Json[] {
  return objects(data)
    .map(([, o]) => o)
    .filter((o) => typeof o['type'] === 'string' && !('$ref' in o));
}

const wrongFor = (type: unknown): unknown =>
  type === 'string' ? 42 : type === 'object' ? 'not an object' : type === 'array' ? { not: 'an array' } : 'not a number';

const v3 = (doc: Json) => String(doc['asyncapi']).startsWith('3.');

type DataMutation = (doc: Json, random: Random) => string | undefined;

/** Mutations of the data; the result is written as YAML (or JSON, by chance). Each returns what it did, or undefined when it does not apply. */
const dataMutations: Record<string, DataMutation> = {
  dropRequired(doc, random) {
    const places: [Json, string][] = [
      [doc, 'asyncapi'],
      [doc, 'info'],
      ...(isObject(doc['info'])
        ? ([
            [doc['info'], 'title'],
            [doc['info'], 'version'],
          ] as [Json, string][])
        : []),
    ];
    for (const [, o] of objects(doc)) {
      for (const k of ['address', 'action', 'channel', 'payload', 'type', 'url', 'host', 'protocol', 'name', 'in', 'messages']) if (k in o) places.push([o, k]);
    }
    const [owner, key] = pick(random, places);
    delete owner[key];
    return `drop ${key}`;
  },
  retype(doc, random) {
    const all = objects(doc).filter(([at]) => at.length > 0);
    const [at, o] = pick(random, all);
    const keys = Object.keys(o);
    if (keys.length === 0) return undefined;
    const key = pick(random, keys);
    o[key] = pick(random, [null, 7, 'text', true, [], {}, [1, 'two']]);
    return `retype ${[...at, key].join('.')}`;
  },
  breakRef(doc, random) {
    const refs = objects(doc).filter(([, o]) => typeof o['$ref'] === 'string');
    if (refs.length === 0) return undefined;
    const [at, o] = pick(random, refs);
    o['$ref'] = pick(random, ['#/components/nowhere/x', '#/components/schemas/Missing', './missing.yaml', '#broken', '#/', `${String(o['$ref'])}x`]);
    return `break ref at ${at.join('.')}`;
  },
  contradictExample(doc, random) {
    const schemas = typedSchemas(doc);
    if (schemas.length === 0) return undefined;
    const s = pick(random, schemas);
    const how = pick(random, ['examples', 'default', 'enum-default', 'const-example']);
    if (how === 'examples') s['examples'] = [wrongFor(s['type'])];
    else if (how === 'default') s['default'] = wrongFor(s['type']);
    else if (how === 'enum-default') s['enum'] = [wrongFor(s['type'])];
    else s['example'] = wrongFor(s['type']);
    return `contradict ${how}`;
  },
  contradictMessageExample(doc, random) {
    const messages = objects(doc).filter(([at, o]) => isObject(o['payload']) && at.some((k) => k === 'messages' || k === 'message'));
    if (messages.length === 0) return undefined;
    const [, m] = pick(random, messages);
    m['examples'] = [
      pick(random, [{ payload: 12345 }, { headers: 'not an object', payload: {} }, { headers: { 'x-n': 1 } }, { name: 3 }, { payload: { action: 999 } }]),
    ];
    return 'contradict a message example';
  },
  unknownKey(doc, random) {
    const [at, o] = pick(random, objects(doc));
    o[pick(random, ['foo', 'descriptio', 'Title', 'x', 'oneOff'])] = 'unexpected';
    return `unknown key at ${at.join('.')}`;
  },
  version(doc, random) {
    doc['asyncapi'] = pick(random, ['2.0.0', '2.3.0', '2.5.0', '2.6.0', '2.6.1', '3.0.0', '3.1.0', '3.2.0', '1.2.0', '2.6', '3.0.0-rc1', '2.6.01', 3, '4.0.0']);
    return `version ${String(doc['asyncapi'])}`;
  },
  ids(doc, random) {
    const ops = objects(doc).filter(([at, o]) => typeof o['operationId'] === 'string' || (v3(doc) && at[0] === 'operations' && at.length === 2));
    const tagged = objects(doc).filter(([, o]) => Array.isArray(o['tags']) && o['tags'].length > 0);
    const how = pick(random, ['operationId', 'tags', 'channelKey', 'messageId']);
    if (how === 'operationId' && ops.length >= 1) {
      const id = String(ops[0]![1]['operationId'] ?? 'dup');
      for (const [, o] of ops) o['operationId'] = id;
      if (ops.length === 1) return undefined;
      return 'duplicate operationIds';
    }
    if (how === 'tags' && tagged.length > 0) {
      const [, o] = pick(random, tagged);
      (o['tags'] as unknown[]).push(structuredClone((o['tags'] as unknown[])[0]));
      return 'duplicate tag names';
    }
    if (how === 'channelKey' && isObject(doc['channels'])) {
      const keys = Object.keys(doc['channels']);
      if (keys.length === 0) return undefined;
      const key = pick(random, keys);
      const channels = doc['channels'];
      channels[`${key}${pick(random, ['?x=1', '#frag', ' '])}`] = channels[key];
      delete channels[key];
      return 'channel key with ? or #';
    }
    const messages = objects(doc).filter(([, o]) => isObject(o['payload']));
    if (messages.length < 2) return undefined;
    for (const [, m] of messages.slice(0, 2)) m[v3(doc) ? 'name' : 'messageId'] = 'same';
    return 'duplicate messageId';
  },
  servers(doc, random) {
    const how = pick(random, ['unknownServer', 'variables', 'url']);
    const servers = isObject(doc['servers']) ? doc['servers'] : undefined;
    if (how === 'unknownServer') {
      const channels = objects(doc).filter(([at]) => at.length === 2 && at[0] === 'channels');
      if (channels.length === 0) return undefined;
      const [, c] = pick(random, channels);
      c['servers'] = v3(doc) ? [{ $ref: '#/servers/nowhere' }] : ['nowhere'];
      return 'channel names an unknown server';
    }
    if (servers === undefined || Object.keys(servers).length === 0) return undefined;
    const s = servers[pick(random, Object.keys(servers))];
    if (!isObject(s)) return undefined;
    if (how === 'variables') {
      if (v3(doc)) s['host'] = `${String(s['host'] ?? 'h')}:{port}`;
      else s['url'] = `${String(s['url'] ?? 'h')}:{port}`;
      if (random() < 0.5) s['variables'] = { other: { default: '1' } };
      return 'server variable missing';
    }
    s[v3(doc) ? 'host' : 'url'] = pick(random, ['', 'ws://{a}{b}', 42, 'not a url {']);
    return 'server url';
  },
  security(doc, random) {
    const holders = objects(doc).filter(
      ([at]) =>
        (at.length === 2 && (at[0] === 'servers' || at[0] === 'operations')) ||
        (at.length === 3 && at[0] === 'channels' && (at[2] === 'publish' || at[2] === 'subscribe')),
    );
    if (holders.length === 0) return undefined;
    const [, o] = pick(random, holders);
    o['security'] = v3(doc)
      ? [pick(random, [{ $ref: '#/components/securitySchemes/nope' }, { type: 'nonsense' }, 'apiKey'])]
      : [pick(random, [{ nope: [] }, { nope: ['scope'] }, 'apiKey'])];
    return 'unknown security scheme';
  },
  parameters(doc, random) {
    const channels = objects(doc).filter(([at]) => at.length === 2 && at[0] === 'channels');
    if (channels.length === 0) return undefined;
    const [at, c] = pick(random, channels);
    const how = pick(random, ['null', 'extra', 'missing', 'location']);
    if (how === 'null') {
      c['parameters'] = { id: null };
      if (v3(doc)) c['address'] = '/ws/{id}';
      else {
        const channels = doc['channels'] as Json;
        channels[`${String(at[1])}/{id}`] = c;
        delete channels[String(at[1])];
      }
      return 'parameters: {id: null}';
    }
    if (how === 'extra') c['parameters'] = { extra: {} };
    else if (how === 'missing' && v3(doc)) c['address'] = '/ws/{a}/{b}';
    else c['parameters'] = { p: { location: pick(random, ['$message.payload#/id', 'nowhere', 5]) } };
    return `parameters ${how}`;
  },
  operationWiring(doc, random) {
    if (!v3(doc) || !isObject(doc['operations'])) return undefined;
    const ops = Object.values(doc['operations']).filter(isObject);
    if (ops.length === 0) return undefined;
    const op = pick(random, ops);
    const how = pick(random, ['messageFromComponents', 'channelFromComponents', 'otherChannelsMessage', 'noMessages']);
    const components = isObject(doc['components']) ? doc['components'] : (doc['components'] = {});
    if (how === 'messageFromComponents') {
      const names = isObject(components['messages']) ? Object.keys(components['messages']) : [];
      if (names.length === 0) return undefined;
      op['messages'] = [{ $ref: `#/components/messages/${pick(random, names)}` }];
    } else if (how === 'channelFromComponents') {
      const ref = op['channel'];
      if (!isObject(ref) || typeof ref['$ref'] !== 'string') return undefined;
      const key = ref['$ref'].split('/').pop()!;
      components['channels'] = { ...(isObject(components['channels']) ? components['channels'] : {}), [key]: get(doc, ['channels', key]) };
      op['channel'] = { $ref: `#/components/channels/${key}` };
    } else if (how === 'otherChannelsMessage') {
      const channels = isObject(doc['channels']) ? Object.entries(doc['channels']) : [];
      const other = channels.find(
        ([k, c]) =>
          isObject(c) &&
          isObject(c['messages']) &&
          Object.keys(c['messages']).length > 0 &&
          (op['channel'] as Json | undefined)?.['$ref'] !== `#/channels/${k}`,
      );
      if (other === undefined) return undefined;
      op['messages'] = [{ $ref: `#/channels/${other[0]}/messages/${Object.keys((other[1] as Json)['messages'] as Json)[0]!}` }];
    } else op['messages'] = [];
    return `3.x operation ${how}`;
  },
  refWhereNoneAllowed(doc, random) {
    const info = doc['info'];
    if (!isObject(info)) return undefined;
    const field = pick(random, ['license', 'contact']);
    info[field] = { $ref: '#/components/schemas/x' };
    return `$ref at info.${field}`;
  },
};

type TextMutation = (yaml: string, random: Random) => string | undefined;

/** Mutations of the YAML text: what only some YAML readers accept, or read differently. */
const textMutations: Record<string, TextMutation> = {
  flowNotIndented(yaml, random) {
    // `key:` followed by a flow map or sequence on the next line, no deeper than the key.
    const lines = yaml.split('\n');
    const candidates = lines.map((l, i) => [l, i] as const).filter(([l, i]) => /^(\s*)[\w-]+:$/.test(l) && (lines[i + 1]?.search(/\S/) ?? 0) > l.search(/\S/));
    if (candidates.length === 0) return undefined;
    const [line, i] = pick(random, candidates);
    const indent = line.search(/\S/);
    let end = i + 1;
    while (end < lines.length && (lines[end]!.trim() === '' || lines[end]!.search(/\S/) > indent)) end++;
    const block = lines.slice(i + 1, end).join('\n');
    const flow = flowOf(block);
    if (flow === undefined) return undefined;
    if (random() < 0.5) lines.splice(i + 1, end - i - 1, `${' '.repeat(indent)}${flow}`);
    else {
      // Opened on the key's line, continued and closed at the key's own indentation.
      const pretty = JSON.stringify(JSON.parse(flow), null, 1).split('\n');
      lines.splice(i, end - i, `${line} ${pretty[0]}`, ...pretty.slice(1).map((l) => `${' '.repeat(indent)}${l.trimStart()}`));
    }
    return lines.join('\n');
  },
  tab(yaml, random) {
    const lines = yaml.split('\n');
    const i = Math.floor(random() * lines.length);
    if (random() < 0.5) lines[i] = lines[i]!.replace(/^( +)/, (s) => '\t'.repeat(Math.max(1, s.length / 2)));
    else lines[i] = lines[i]!.replace(/: /, ':\t');
    return lines.join('\n');
  },
  duplicateKey(yaml, random) {
    const lines = yaml.split('\n');
    const scalars = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w-]+: \S/.test(l));
    if (scalars.length === 0) return undefined;
    const [line, i] = pick(random, scalars);
    lines.splice(i + 1, 0, random() < 0.5 ? line : line.replace(/: .*/, ': other'));
    return lines.join('\n');
  },
  tag(yaml, random) {
    const lines = yaml.split('\n');
    const scalars = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w-]+: \S/.test(l));
    if (scalars.length === 0) return undefined;
    const [, i] = pick(random, scalars);
    lines[i] = lines[i]!.replace(/: /, `: ${pick(random, ['!!str ', '!custom ', '!!int ', '!!binary ', '!!timestamp ', '!!set '])}`);
    return lines.join('\n');
  },
  anchorAlias(yaml, random) {
    const lines = yaml.split('\n');
    const how = pick(random, ['dangling', 'reuse', 'merge', 'mergeDangling']);
    if (how === 'dangling') return `${yaml.trimEnd()}\nx-a: *nowhere\n`;
    const maps = lines.map((l, i) => [l, i] as const).filter(([l, i]) => /^(\s*)[\w-]+:$/.test(l) && (lines[i + 1]?.search(/\S/) ?? 0) > l.search(/\S/));
    if (maps.length === 0) return undefined;
    const [line, i] = pick(random, maps);
    lines[i] = `${line} &base`;
    if (how === 'reuse') return `${lines.join('\n').trimEnd()}\nx-copy: *base\n`;
    const indent = (lines[i + 1] ?? '').search(/\S/);
    if (how === 'merge') {
      return `${lines.join('\n').trimEnd()}\nx-merged:\n  <<: *base\n  x-extra: 1\n`;
    }
    lines.splice(i + 1, 0, `${' '.repeat(indent)}<<: *elsewhere`);
    return lines.join('\n');
  },
  directive(yaml, random) {
    return `${pick(random, ['%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%TAG !e! tag:example.com,2000:\n---\n', '---\n', '%YAML 2.0\n---\n'])}${yaml}${random() < 0.3 ? '...\n' : ''}`;
  },
  // Written as JSON with one key twice (see jsonWithDuplicate); listed here so that it is a kind like the others.
  jsonDuplicateKey: () => undefined,
};

/** A block of YAML as one flow collection (JSON is flow YAML), or undefined when it is not one. */
function flowOf(block: string): string | undefined {
  const indent = Math.min(
    ...block
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => l.search(/\S/)),
  );
  const text = block
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
  try {
    const data = parseYaml(text);
    return data !== null && typeof data === 'object' ? JSON.stringify(data) : undefined;
  } catch {
    return undefined;
  }
}

export interface Variant {
  /** What was done, for the report. */
  what: string;
  text: string;
  /** File name to write it to (yaml or json). */
  file: string;
}

/** Every kind of mutation: the data's (`dropRequired`, ...) and the text's (`yaml: tab`, ...). */
export const MUTATION_KINDS: readonly string[] = [...Object.keys(dataMutations), ...Object.keys(textMutations).map((name) => `yaml: ${name}`)];

/** One mutation of `doc` of the given kind (by default one chosen by `random`); undefined when it does not apply. */
export function mutate(doc: unknown, random: Random, kind: string = pick(random, MUTATION_KINDS)): Variant | undefined {
  const data = structuredClone(doc) as Json;
  if (kind.startsWith('yaml: ')) {
    const name = kind.slice('yaml: '.length);
    const text =
      name === 'jsonDuplicateKey'
        ? jsonWithDuplicate(data, random)
        : textMutations[name]!(stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 }), random);
    if (text === undefined) return undefined;
    return { what: `yaml: ${name}`, text, file: name === 'jsonDuplicateKey' ? 'spec.json' : 'spec.yaml' };
  }
  const what = dataMutations[kind]!(data, random);
  if (what === undefined) return undefined;
  const json = random() < 0.2;
  return {
    what,
    text: json ? JSON.stringify(data, null, 2) : stringify(data, { aliasDuplicateObjects: false, lineWidth: 0 }),
    file: json ? 'spec.json' : 'spec.yaml',
  };
}

function jsonWithDuplicate(data: Json, random: Random): string | undefined {
  const text = JSON.stringify(data, null, 2);
  const lines = text.split('\n');
  const scalars = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*"[^"]+": ("[^"]*"|\d+|true|false|null),$/.test(l));
  if (scalars.length === 0) return undefined;
  const [line, i] = pick(random, scalars);
  lines.splice(i, 0, line);
  return lines.join('\n');
}
