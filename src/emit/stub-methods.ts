/**
 * Handler method stubs for consumer.ts: a typed signature, and a body that returns the reply when
 * the document fixes all of it (a ping's pong), else throws `not implemented`.
 */
import type { ChannelModel, IncomingMessageModel, JsonSchema } from '../model/types.js';
import { refName } from '../model/schema-registry.js';
import { jsDoc, jsonLiteral, stringLiteral } from './escape.js';
import { render } from './templates.js';
import { isIdentifier } from '../model/names.js';

export function consumerClassName(channel: ChannelModel): string {
  return `${channel.typeName}Consumer`;
}

export function stubMethod(
  channel: ChannelModel,
  m: IncomingMessageModel,
  schemas: Record<string, JsonSchema>,
  className = consumerClassName(channel),
): string {
  const replies = m.handler.replies;
  const only = replies.length === 1 ? replies[0] : undefined;
  const body = only !== undefined ? fixedValue(schemas[only] ?? true, schemas) : undefined;
  return render('consumer-method', {
    doc: jsDoc([m.handler.summary, m.handler.description], '  '),
    name: m.handler.method,
    message: m.typeName,
    context: `${channel.typeName}Context`,
    returns: replies.length === 0 ? 'void' : replies.map((r) => `M.${r}`).join(' | '),
    body: body ?? false,
    notImplemented: stringLiteral(`not implemented: ${className}.${m.handler.method}`),
  }).trimEnd();
}

/** A literal for the only value `schema` allows given its consts and defaults, or undefined if it needs input. */
function fixedValue(schema: JsonSchema, schemas: Record<string, JsonSchema>, depth = 0): string | undefined {
  if (depth > 8 || typeof schema !== 'object') return undefined;
  const named = refName(schema);
  if (named !== undefined) return fixedValue(schemas[named] ?? true, schemas, depth + 1);
  if (schema['const'] !== undefined) return jsonLiteral(schema['const']);
  if (schema['default'] !== undefined) return jsonLiteral(schema['default']);
  if (schema['type'] === 'null') return 'null';
  const props = schema['properties'];
  if (props === null || typeof props !== 'object') return undefined;
  const required = new Set(Array.isArray(schema['required']) ? (schema['required'] as string[]) : []);
  const fields: string[] = [];
  for (const [key, prop] of Object.entries(props as Record<string, JsonSchema>)) {
    const value = fixedValue(prop, schemas, depth + 1);
    if (value === undefined) {
      if (required.has(key)) return undefined;
      continue;
    }
    fields.push(`${isIdentifier(key) ? key : stringLiteral(key)}: ${value}`);
  }
  return `{ ${fields.join(', ')} }`;
}

/** What a handler stub method names: its context type and the messages namespace. */
export function stubImports(context: string): { name: string; line: string }[] {
  return [
    { name: context, line: `import type { ${context} } from './handlers.js';` },
    { name: 'M', line: "import type * as M from './messages.js';" },
  ];
}
