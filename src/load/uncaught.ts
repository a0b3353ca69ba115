/**
 * When @asyncapi/parser throws while reading a document (a bug of the parser: it reports "Error
 * thrown during AsyncAPI document parsing" with a stack trace), chanx-gen refuses the document with
 * what the AsyncAPI specification says instead, located where the fault is; never the stack.
 */
import type { Diagnostic as ParserDiagnostic } from '@asyncapi/parser';
import type { Diagnostic } from './diagnostics.js';
import type { SourceFile } from './source-files.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Entries of maps of named objects that are not objects (`parameters: {id: null}`): the spec allows
 * only an object or a Reference Object there, and the parser's models assume one.
 */
function nonObjectEntries(data: unknown): string[][] {
  const found: string[][] = [];
  if (!isObject(data)) return found;
  const v2 = String(data['asyncapi']).startsWith('2.');
  const mapsIn = (owner: unknown, at: string[], keys: string[]) => {
    if (!isObject(owner)) return;
    for (const key of keys) {
      const map = owner[key];
      if (!isObject(map)) continue;
      for (const [name, value] of Object.entries(map)) if (!isObject(value)) found.push([...at, key, name]);
    }
  };
  const channels = isObject(data['channels']) ? data['channels'] : {};
  for (const [key, channel] of Object.entries(channels)) {
    mapsIn(channel, ['channels', key], v2 ? ['parameters'] : ['parameters', 'messages']);
    if (!v2 || !isObject(channel)) continue;
    for (const action of ['publish', 'subscribe']) if (channel[action] !== undefined && !isObject(channel[action])) found.push(['channels', key, action]);
  }
  const components = data['components'];
  if (isObject(components)) {
    mapsIn(data, [], ['channels', 'operations', 'servers']);
    mapsIn(
      components,
      ['components'],
      Object.keys(components).filter((k) => !k.startsWith('x-')),
    );
    if (isObject(components['channels']))
      for (const [key, channel] of Object.entries(components['channels'])) mapsIn(channel, ['components', 'channels', key], ['parameters', 'messages']);
  } else mapsIn(data, [], ['channels', 'operations', 'servers']);
  return found;
}

export function explainUncaught(d: ParserDiagnostic, spec: SourceFile): Diagnostic {
  const [fault] = nonObjectEntries(spec.data);
  if (fault !== undefined) {
    return {
      severity: 'error',
      file: spec.displayPath,
      ...spec.locate(fault),
      message: `'${fault[fault.length - 1]}' must be an object or a $ref, as the AsyncAPI specification requires (at ${fault.join('.')}); @asyncapi/parser throws on it`,
    };
  }
  const version = /Unsupported AsyncAPI version: ([^,]*)/.exec(d.message)?.[1];
  if (version !== undefined) {
    return {
      severity: 'error',
      file: spec.displayPath,
      ...spec.locate(['asyncapi']),
      message: `AsyncAPI ${version} is not supported (chanx-gen reads 2.0-2.6 and 3.0-3.1, as @asyncapi/parser does)`,
    };
  }
  const what = /message: (.*?), stack:/s.exec(d.message)?.[1] ?? d.message.split('\n')[0] ?? d.message;
  return { severity: 'error', file: spec.displayPath, ...spec.locate(d.path), message: `@asyncapi/parser failed on this document: ${what.split('\n')[0]}` };
}
