/** chanx-gen as a library: the same pipeline the command line runs. */
export { run, type CliIO } from './cli.js';
export { runPipeline, type PipelineOptions, type PipelineResult } from './pipeline.js';
export { applyPlan } from './write/apply-plan.js';
export { InputError, formatDiagnostic, type Diagnostic } from './load/diagnostics.js';
export type { ApiModel, ChannelModel, MessageModel, IncomingMessageModel } from './model/types.js';
