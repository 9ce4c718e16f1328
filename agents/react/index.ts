export { type ReactAgentOptions, reactAgent } from './react-agent.ts';
export type { ReactEvent } from './react-events.ts';
export { type ReactInput, type ReactOutput, type ReactRequest, reactInputSchema } from './react-io.ts';
export type { ReactState } from './react-state.ts';
