export type { Committed } from './committed.ts';
export type { PipelineConfig } from './config.ts';
export { Flow, from } from './flow.ts';
export { Pipeline, pipeline } from './pipeline.ts';
export { actor, keyBy, to } from './steps.ts';
