import { incidentInPrompt } from '../../../scenarios/ops/diagnosis.ts';
import { bodyOf, openaiCompletion, startOpenAIServer, type WireServer } from '../../agents/wire/index.ts';

/** The test's own on-call rules: what the scripted model proposes per fault. */
export const SCRIPTED_REMEDIATION = {
  exception: { action: 'none' },
  'checkpoint-timeout': { action: 'set-config', key: 'checkpoint.timeout.ms', value: 180000 },
  backpressure: { action: 'set-config', key: 'parallelism', value: 6 },
  oom: { action: 'restart' },
} as const;

/** A loopback OpenAI Chat Completions server playing the on-call model. */
export function startOpsWireModel(): Promise<WireServer> {
  return startOpenAIServer((request) => {
    const messages = bodyOf(request).messages as { role: string; content: string }[];
    const incident = incidentInPrompt(messages.at(-1)?.content ?? '');
    if (!incident) return openaiCompletion({ content: 'unexpected request' });
    return openaiCompletion({
      content: JSON.stringify({
        diagnosis: `scripted: ${incident.event.kind} on ${incident.event.job}`,
        remediation: SCRIPTED_REMEDIATION[incident.event.kind],
        confidence: 0.9,
      }),
    });
  });
}
