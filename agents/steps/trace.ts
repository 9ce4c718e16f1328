import type { Json } from '../../core/store/store.ts';

/**
 * One line of an agent's trace: what the model saw and answered, which tool
 * ran with what, how long it took and what it cost in tokens. Written only
 * when a step really runs (a replay after a crash writes nothing for the steps
 * it replays), so the trace shows the calls that were made.
 */
export type TraceLine =
  | {
      readonly kind: 'model';
      readonly agent: string;
      readonly key: string;
      readonly runId: string;
      readonly step: number;
      readonly stepId: string;
      readonly messages: Json;
      readonly answer: Json;
      readonly ms: number;
      readonly inputTokens: number;
      readonly outputTokens: number;
    }
  | {
      readonly kind: 'tool';
      readonly agent: string;
      readonly key: string;
      readonly runId: string;
      readonly tool: string;
      readonly stepId: string;
      readonly arguments: string;
      readonly ok: boolean;
      readonly result: Json;
      readonly ms: number;
    }
  | {
      readonly kind: 'error';
      readonly agent: string;
      readonly key: string;
      readonly runId: string;
      readonly error: string;
    };

/** Receives trace lines; `jsonLinesTrace(process.stdout)` writes them as JSON lines. */
export type TraceSink = (line: TraceLine) => void;

/**
 * A trace sink writing one JSON object per line, for a file or a log shipper.
 *
 * @example
 * const agent = reactAgent({ ..., trace: jsonLinesTrace(createWriteStream('agent.trace.jsonl')) });
 */
export function jsonLinesTrace(out: { write(chunk: string): unknown }): TraceSink {
  return (line) => {
    out.write(`${JSON.stringify({ at: new Date().toISOString(), ...line })}\n`);
  };
}
