export { metricsTrace, traces } from './metrics-trace.ts';
export { jsonLinesTrace, type TraceLine, type TraceSink } from './trace.ts';
