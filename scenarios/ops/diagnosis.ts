import { type ChatMessage, jsonSchemaOf, parseJsonAnswer } from 'eddy/agents';
import { z } from 'zod';
import type { ExceptionEvent, JobHealth } from './job-service.ts';

export const Remediation = z.discriminatedUnion('action', [
  z.object({ action: z.literal('none') }),
  z.object({ action: z.literal('restart') }),
  z.object({
    action: z.literal('set-config'),
    key: z.enum(['checkpoint.timeout.ms', 'parallelism']),
    value: z.number().int().positive(),
  }),
]);
export type Remediation = z.infer<typeof Remediation>;

export const Diagnosis = z.object({
  diagnosis: z.string().min(5).max(500).describe('what is wrong, in one or two sentences'),
  remediation: Remediation.describe('what the runbook says to do; none when nothing should be done'),
  confidence: z.number().min(0).max(1),
});
export type Diagnosis = z.infer<typeof Diagnosis>;

const MARKER = 'Incident (JSON): ';
const SCHEMA_TEXT = JSON.stringify(jsonSchemaOf(Diagnosis));

export function diagnosisPrompt(incident: ExceptionEvent, health: JobHealth, runbook: string): ChatMessage[] {
  return [
    {
      role: 'system',
      content:
        'You are the on-call engineer for a stream-processing platform. Diagnose the incident from the event, ' +
        'the health check and the runbook, and propose the runbook’s remediation (or none). A person approves ' +
        'every remediation before it runs.',
    },
    {
      role: 'user',
      content: `${MARKER}${JSON.stringify({ event: incident, health })}\n\nRunbook:\n${runbook}\n\nAnswer with one JSON value matching this JSON Schema, with no other text: ${SCHEMA_TEXT}`,
    },
  ];
}

export function incidentInPrompt(content: string): { event: ExceptionEvent; health: JobHealth } | undefined {
  const at = content.indexOf(MARKER);
  if (at === -1) return undefined;
  try {
    return JSON.parse(content.slice(at + MARKER.length).split('\n')[0] ?? '') as {
      event: ExceptionEvent;
      health: JobHealth;
    };
  } catch {
    return undefined;
  }
}

export function parseDiagnosis(content: string): Diagnosis | undefined {
  const json = parseJsonAnswer(content);
  if (!json.ok) return undefined;
  const parsed = Diagnosis.safeParse(json.value);
  return parsed.success ? parsed.data : undefined;
}
