/** chanx-gen/runtime: what generated code imports at run time. */
export type { BroadcastOptions, ChannelDefinition, ConnectionContext, TopicRouter } from './channel/definition.js';
export type { Validator, ValidatorError } from './protocol/validator.js';
export type { MaybePromise } from './support/thenable.js';
export { Rejection, rejectAmbiguous, rejectInvalid, rejectTag, rejectUnmatched } from './protocol/rejections.js';
export type { ErrorItem, ModelTitles } from './protocol/validation-errors.js';
export type { TaggedUnion, TaggedUnions } from './protocol/tagged-unions.js';
export type { GroupLayer, LayerMember, LayerObserver } from './layers/layer.js';
export { MemoryLayer } from './layers/memory-layer.js';
export { RedisLayer, type RedisLayerOptions, type RedisLayerStats } from './layers/redis-layer.js';
export { channelEvents, type ChannelEvents, type EventHook } from './layers/events.js';
export { AuthRefusal, refuse, type UpgradeRequest } from './server/auth.js';
export { dispatchFrame, sendFrames, type DispatchOptions } from './channel/dispatch.js';
export type { EventOf, EventResult, Frames, Outcome, FailureReporter, HandlerResult } from './channel/definition.js';
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
} from './protocol/envelope.js';
export type { Logger } from './support/logger.js';
export { ChanxMetrics, type ChanxMetricsOptions, type FrameOutcome, type RejectionType } from './ops/metrics.js';
export { serveMetrics, type MetricsServer } from './ops/metrics-server.js';
export { loggerFromEnv, type LogSettings } from './ops/logging.js';
export { parseRateLimit, type RateLimit } from './limits/rate-limit.js';
export type { OriginRule } from './server/admission.js';
export { createChanxServer, mount, type ChanxServer, type Route, type ServerOptions } from './server/server.js';
export { isEntryPoint, optionsFromEnv, serveFromEnv, type EntryConsole, type EntryProcess } from './server/entry.js';
export { createRequestHandler, type ServedContent } from './server/http.js';
export { ajvRuntime } from './server/ajv-runtime.js';
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
} from './topics/topic.js';
export { hostTopic, TopicSession, type HostedTopic, type TopicMount } from './topics/session.js';
export { mountTopicRoute, type TopicRouteOptions } from './server/topic-route.js';
