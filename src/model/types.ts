/**
 * The ApiModel: every decision the generator makes, as plain serialisable data.
 * Emitters read it and decide nothing of their own beyond layout.
 */

/** A JSON Schema as the generator keeps it: references to named schemas are `{ $ref: '#/$defs/Name' }`. */
export type JsonSchema = boolean | SchemaObject;
export interface SchemaObject {
  [keyword: string]: unknown;
}

export interface ApiModel {
  /** The spec path as given, relative to the working directory, with forward slashes. */
  specPath: string;
  /** sha256 over the canonical form of every input document. */
  inputHash: string;
  title: string;
  version: string;
  /** Every named schema any channel refers to, by TypeScript name. */
  schemas: Record<string, JsonSchema>;
  /** Schema names that are not what the document calls the schema (the name was taken), with the document's name. */
  renamed: Record<string, string>;
  channels: ChannelModel[];
}

export interface ChannelModel {
  /** The channel's key in the document (`system`). */
  key: string;
  /** Output folder below the output root (`system`). */
  folder: string;
  /** PascalCase stem for the channel's own types (`System` -> `SystemHandlers`). */
  typeName: string;
  address: string;
  description?: string;
  params: ParamModel[];
  /** Routing field, or null when the channel is routed by trying schemas (or has at most one incoming message). */
  discriminator: string | null;
  /** Client-to-server messages, sorted by tag (or name). Each has a handler. */
  incoming: IncomingMessageModel[];
  /** Server-to-client messages (replies and server-initiated ones), sorted by name. */
  outgoing: MessageModel[];
  /** Messages the channel lists but no operation uses. Typed, not routed. */
  unused: MessageModel[];
  /**
   * Set for a Chanx `x-topic` channel that shares its address with a parent channel: it is typed
   * (messages.ts) but not routed or mounted itself; the parent is mounted once at the address.
   */
  topicOf?: { parent: string; name: string; pattern: string };
  /** Set for every Chanx `x-topic` channel, hosted by a parent or served on its own route (src/model/topics.ts). */
  topic?: TopicModel;
  /** On a channel that hosts topics: the keys of its `x-topic` channels, sorted. */
  topics?: string[];
}

/** A Chanx topic (DESIGN §10): a pattern such as `room:{room_name}` with its own handlers and group. */
export interface TopicModel {
  /** The `x-topic` name (`room_topic`); channels documenting the same topic share it, and its groups. */
  name: string;
  pattern: string;
  /** The pattern's `{variables}`, in order. */
  params: string[];
  /** The channel hosting it at the same address, or null: a dedicated route where connecting subscribes. */
  parent: string | null;
  /**
   * The channel whose folder holds the topic's handlers, router and stub: this one, or a twin that
   * documents the same topic (same name, pattern and messages), so one class serves both routes.
   */
  implementedBy: string;
  /** The stub's class (`RoomTopic`) and the router's exported definition (`roomTopic`). */
  className: string;
  definition: string;
}

export interface ParamModel {
  name: string;
  description?: string;
  /** The only values the server accepts (others are a 404); typed as their literal union. */
  enum?: string[];
}

export interface MessageModel {
  /** The message's key in the channel (`user_message`). */
  key: string;
  /** TypeScript name of the whole frame (`UserMessage`); a key of ApiModel.schemas. */
  typeName: string;
  /** Discriminator value, when the channel has a discriminator. */
  tag: string | null;
  summary?: string;
  description?: string;
}

export interface IncomingMessageModel extends MessageModel {
  handler: HandlerModel;
  /** Name of the precompiled validator exported by validators.ts. */
  validatorName: string;
}

export interface HandlerModel {
  /** Method name on the handlers interface (`onUserMessage`). */
  method: string;
  /** The operation(s) that receive this message, for documentation. */
  operations: string[];
  summary?: string;
  description?: string;
  /** TypeScript names of the reply messages; empty: the handler returns void. */
  replies: string[];
}
