export { jsonLinesTrace, type TraceLine, type TraceSink } from './trace.ts';
