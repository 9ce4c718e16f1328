/**
 * `eddy/agents`: LLM agents as keyed, journaled actors. Chat models over
 * Anthropic, OpenAI and OpenAI-compatible endpoints; prompts; typed and MCP
 * tools; ReAct and workflow (Event/Action) agents with durable steps and
 * human approval.
 *
 * @example
 * import { reactAgent, tool } from 'eddy/agents';
 */
export * from './models/index.ts';
// Both models and tools name a parseToolArguments; the public one takes a zod schema.
export { parseToolArguments } from './models/index.ts';
export * from './prompts/index.ts';
export * from './react/index.ts';
export * from './steps/index.ts';
export * from './tools/index.ts';
export * from './workflow/index.ts';
