/**
 * What the model needs of an AsyncAPI document, 2.x and 3.x alike: channels with their messages and
 * operations, already dereferenced (a `$ref` target is the same object wherever it is used, so
 * identity means "the same message" or "the same schema"). Two sources produce it: the lean
 * loader (from-raw.ts, the default) and @asyncapi/parser (from-parser.ts, with --verbose).
 */
export interface DocumentView {
  /** The `asyncapi` version string. */
  version: string;
  title: string;
  apiVersion: string;
  /** `components.schemas`, by key, dereferenced. */
  componentSchemas: { id: string; schema: unknown }[];
  channels: ChannelView[];
}

export interface ChannelView {
  /** The channel's key (3.x) or address (2.x). */
  id: string;
  address: string | undefined;
  title: string | undefined;
  description: string | undefined;
  /** Vendor extensions (`x-topic`, ...). */
  extensions: Record<string, unknown>;
  parameters: ParameterView[];
  messages: MessageView[];
  operations: OperationView[];
}

export interface ParameterView {
  id: string;
  description: string | undefined;
  /** The only values allowed (3.x `enum`, 2.x `schema.enum`), when the document restricts them. */
  enum: string[] | undefined;
}

/** A parameter's allowed values, from its 3.x `enum` or its 2.x `schema.enum`; strings only. */
export function parameterEnum(json: Record<string, unknown>): string[] | undefined {
  const schema = json['schema'];
  const values = json['enum'] ?? (schema !== null && typeof schema === 'object' ? (schema as Record<string, unknown>)['enum'] : undefined);
  return Array.isArray(values) && values.length > 0 && values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

export interface MessageView {
  /** The message's key in the channel (3.x) or its messageId (2.x); undefined when it has none. */
  id: string | undefined;
  /** The same object for every use of the same message: the identity used to match them. */
  identity: object;
  name: string | undefined;
  title: string | undefined;
  summary: string | undefined;
  description: string | undefined;
  /** The payload schema, dereferenced; undefined when the message has none. */
  payload: unknown;
}

export interface OperationView {
  id: string | undefined;
  /** The server receives it from a client (3.x `receive`, 2.x `publish`). */
  isReceive: boolean;
  summary: string | undefined;
  description: string | undefined;
  messages: MessageView[];
  /** Reply messages (3.x), or undefined when the operation has no reply. */
  replies: MessageView[] | undefined;
}

/** Schema objects that are components carry their key here, as @asyncapi/parser marks them. */
export const SCHEMA_ID = 'x-parser-schema-id';
