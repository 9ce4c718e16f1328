export type { Committed } from './committed.ts';
export type { PipelineConfig } from './config.ts';
export type { ReadDeadLetter } from './dead-letter-schema.ts';
export { Flow, from, type SourceOptions } from './flow.ts';
export { Pipeline, type PipelineActor, pipeline } from './pipeline.ts';
export {
  REDRIVEN_FROM_HEADER,
  type RedrivenRecord,
  type RedriveOptions,
  type RedriveReport,
  redriveDeadLetters,
} from './redrive.ts';
export { actor, keyBy, type SinkOptions, to } from './steps.ts';
