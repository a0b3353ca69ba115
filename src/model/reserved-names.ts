/**
 * Names the generated code uses that a document's names must not take (issue 21). A document name
 * that would take one is given another (see names.ts), with a JSDoc line naming the original.
 *
 * Runtime imports (chanx-gen/runtime, chanx-gen/client) are not here: a file that imports one of
 * those under a name the document also uses imports it under an alias (emit/runtime-names.ts), so
 * the document keeps its names.
 */

/**
 * Global types and values of TypeScript's libraries and Node.js that generated code uses, or that a
 * reader would take for the global: a type of that name would shadow it in every file importing it.
 */
export const GLOBAL_NAMES: readonly string[] = (
  'Array ArrayBuffer ArrayLike AsyncGenerator AsyncIterable AsyncIterableIterator AsyncIterator Atomics Awaited BigInt BigInt64Array ' +
  'BigUint64Array Boolean Capitalize ConstructorParameters DataView Date Error EvalError Exclude Extract FinalizationRegistry Float32Array ' +
  'Float64Array Function Generator Infinity InstanceType Int16Array Int32Array Int8Array Intl Iterable IterableIterator Iterator JSON ' +
  'Lowercase Map Math NaN NoInfer NonNullable Number Object Omit OmitThisParameter Parameters Partial Pick Promise PromiseLike Proxy ' +
  'RangeError Readonly ReadonlyArray ReadonlyMap ReadonlySet Record ReferenceError Reflect RegExp Required ReturnType Set SharedArrayBuffer ' +
  'String Symbol SyntaxError TemplateStringsArray ThisParameterType ThisType TypeError TypedPropertyDescriptor URIError Uint16Array ' +
  'Uint32Array Uint8Array Uint8ClampedArray Uncapitalize Uppercase WeakMap WeakRef WeakSet ' +
  // Node.js and the web platform, as @types/node declares them globally
  'AbortController AbortSignal Blob Buffer BufferEncoding Crypto Event EventTarget FormData Headers MessageChannel MessageEvent MessagePort ' +
  'NodeJS Performance ReadableStream Request Response TextDecoder TextEncoder URL URLSearchParams WebAssembly WebSocket WritableStream'
).split(' ');

/** The generated handlers' type parameter. */
export const TYPE_PARAMETERS: readonly string[] = ['TUser', 'TEvent'];

/** Methods of a channel's handlers interface that are hooks, not message handlers. */
export const CHANNEL_HOOKS: readonly string[] = ['authenticate', 'onConnect', 'onDisconnect', 'onEvent'];

/** Methods of a topic's handlers interface (an `x-topic` channel) that are hooks. */
export const TOPIC_HOOKS: readonly string[] = ['authorize', 'onSubscribe', 'onUnsubscribe'];

/** What the generated files name after a channel's type name `T`: `TToServer`, `THandlers`, ... (emit/channel-files.ts, client-files.ts). */
export const CHANNEL_SUFFIXES: readonly string[] = [
  'ToServer',
  'ToClient',
  'Handlers',
  'Context',
  'Params',
  'Consumer',
  'Client',
  'ConnectOptions',
  'Receives',
  'ClientParams',
  'Handle',
  'TopicParams',
];

/** Folder names Windows refuses whatever their case or extension. */
export const DEVICE_NAMES: readonly string[] =
  'con prn aux nul com1 com2 com3 com4 com5 com6 com7 com8 com9 lpt1 lpt2 lpt3 lpt4 lpt5 lpt6 lpt7 lpt8 lpt9 node_modules'.split(' ');
