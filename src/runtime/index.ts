/** chanx-gen/runtime: what generated code imports at run time. */
export type { BroadcastOptions, ChannelDefinition, ConnectionContext, MaybePromise, TopicRouter, Validator, ValidatorError } from './types.js';
export { Rejection, rejectAmbiguous, rejectInvalid, rejectTag, rejectUnmatched } from './rejections.js';
export type { ErrorItem, ModelTitles } from './validation-errors.js';
export type { GroupLayer, LayerMember } from './layer.js';
export { MemoryLayer } from './memory-layer.js';
export { RedisLayer, type RedisLayerOptions } from './redis-layer.js';
export { channelEvents, type ChannelEvents, type EventHook } from './events.js';
export { AuthRefusal, refuse, type UpgradeRequest } from './auth.js';
export { dispatchFrame, sendFrames, type DispatchOptions, type Frames, type Outcome, type FailureReporter } from './dispatch.js';
export {
  ENVELOPE_VERSION,
  NO_ENVELOPE,
  answerWithoutTopics,
  takeEnvelope,
  topicError,
  topicFrame,
  type Envelope,
  type TopicEnvelope,
  type TopicErrorReason,
} from './envelope.js';
export type { Logger } from './connection.js';
export type { OriginRule } from './origin.js';
export { createChanxServer, mount, type ChanxServer, type Route, type ServerOptions } from './server.js';
export { isEntryPoint, serveFromEnv, type EntryConsole, type EntryProcess } from './entry.js';
export { createRequestHandler, type ServedContent } from './http.js';
export { ajvRuntime } from './ajv-runtime.js';
export {
  compileTopicPattern,
  publishTopic,
  topicGroup,
  type TopicBroadcastOptions,
  type TopicContext,
  type TopicDefinition,
  type TopicHooks,
  type TopicPattern,
  type TopicSendOptions,
} from './topics.js';
export { hostTopic, TopicSession, type HostedTopic, type TopicMount } from './topics-session.js';
export { mountTopicRoute, type TopicRouteOptions } from './topics-route.js';
