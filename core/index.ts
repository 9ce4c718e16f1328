/**
 * `eddy`: keyed, event-sourced actors composed as RxJS pipelines, with
 * exactly-once commits to a Store and outputs through an outbox.
 *
 * @example
 * ```ts
 * import { actor, defineActor, from, MemoryLog, pipeline, to } from 'eddy';
 * import { PgliteStore } from 'eddy/connectors';
 * ```
 */
export type { ActorContext, EmitOptions, InputInfo, StepInfo, Timers } from './actor/actor-context.ts';
export {
  type ActorDefinition,
  type ActorEvent,
  type Decision,
  defineActor,
  type FiredTimer,
  type SnapshotPolicy,
  type Upcaster,
} from './actor/actor-definition.ts';
export { UpcastError } from './actor/upcast.ts';
export { InputDecodeError, jsonDecoder } from './codec/json-decoder.ts';
export type { Envelope } from './envelope.ts';
export { AsyncCallTimeoutError } from './errors/async-call-timeout-error.ts';
export { FencedError } from './errors/fenced-error.ts';
export { JournalConflictError } from './errors/journal-conflict-error.ts';
export { LookupMissError } from './errors/lookup-miss-error.ts';
export { LookupRowError } from './errors/lookup-row-error.ts';
export { NonDeterminismError } from './errors/non-determinism-error.ts';
export {
  InvalidRecordError,
  PayloadTooLargeError,
  type RecordPart,
  RecordRefusedError,
} from './errors/record-refused-error.ts';
export { StoreClosedError } from './errors/store-closed-error.ts';
export { UnavailableError } from './errors/unavailable-error.ts';
export { UnknownStageError } from './errors/unknown-stage-error.ts';
export { UnstorableValueError } from './errors/unstorable-value-error.ts';
export * from './log/index.ts';
export { type Logger, silentLogger } from './logger.ts';
export { type InnerJoinOptions, type LeftJoinOptions, lookupJoin } from './lookup/lookup-join.ts';
export { InvalidLookupRow, type LookupTable } from './lookup/lookup-table.ts';
export { type AsyncCall, type AsyncMapOptions, asyncMap } from './operators/async-map.ts';
export * from './pipeline/index.ts';
export {
  type InspectedEvent,
  type InspectedStep,
  type InspectOptions,
  inspectKey,
  type KeyInspection,
} from './replay/inspect-key.ts';
export { ReplayDivergence } from './replay/replay-context.ts';
export { type ReplayDiffOptions, replayDiff } from './replay/replay-diff.ts';
export { canonical, type KeyReplay, replayKey, type SnapshotMismatch } from './replay/replay-key.ts';
export type { Difference, KeyDiff, ReplayOutput, ReplayReport } from './replay/replay-report.ts';
export { type ReplayStageOptions, replayStage } from './replay/replay-stage.ts';
export type {
  DeadLetter,
  DeadLetterPhase,
  OutputSummary,
  RecordSummary,
} from './runtime/dead-letter.ts';
export type { RuntimeOptions } from './runtime/runtime-options.ts';
export { seededRandom } from './runtime/seeded-random.ts';
export {
  definePipelines,
  isPipelinesModule,
  type PipelinesModule,
  type RunnablePipeline,
  type ServiceContext,
} from './service/define-pipelines.ts';
export { Stage } from './stage/stage.ts';
export type { StageOptions } from './stage/stage-options.ts';
export { MemoryStore } from './store/memory-store.ts';
export type * from './store/store.ts';
export {
  session,
  sliding,
  type TimeWindow,
  tumbling,
  type WindowAssigner,
} from './windows/window-assigner.ts';
export type { Aggregate, LateRecord, WindowResult, WindowState } from './windows/window-types.ts';
export { type WindowOptions, windowed } from './windows/windowed.ts';
