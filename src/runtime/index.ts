/** chanx-gen/runtime: what generated code imports at run time. */
export type { BroadcastOptions, ChannelDefinition, ConnectionContext, MaybePromise, TopicRouter, Validator, ValidatorError } from './types.js';
export { Rejection, rejectAmbiguous, rejectInvalid, rejectTag, rejectUnmatched } from './rejections.js';
export type { ErrorItem, ModelTitles } from './validation-errors.js';
export { GroupRegistry } from './groups.js';
export { AuthRefusal, refuse, type UpgradeRequest } from './auth.js';
export { dispatchFrame, sendFrames, type DispatchOptions, type Frames, type Outcome, type FailureReporter } from './dispatch.js';
export { ENVELOPE_VERSION, NO_ENVELOPE, answerWithoutTopics, takeEnvelope, topicError, topicFrame, type Envelope, type TopicEnvelope, type TopicErrorReason } from './envelope.js';
export type { Logger } from './connection.js';
export { createChanxServer, mount, type ChanxServer, type Route, type ServerOptions } from './server.js';
export { isEntryPoint, serveFromEnv } from './entry.js';
export { createRequestHandler, type ServedContent } from './http.js';
export { ajvRuntime } from './ajv-runtime.js';
