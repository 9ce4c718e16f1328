import type { ChatRequest } from 'eddy/agents';
import { incidentInPrompt } from './diagnosis.ts';

/**
 * The ops pack's canned answers for the offline model: it reads the
 * runbook in the prompt and proposes what it says (a config value to set,
 * or a restart). A rule of thumb, announced as offline.
 */
export function opsOfflineAnswer(request: ChatRequest): string | undefined {
  const last = request.messages.at(-1)?.content ?? '';
  const incident = incidentInPrompt(last);
  if (!incident) return undefined;
  const runbook = last.slice(last.indexOf('Runbook:'));
  const title = /^# Runbook: (.*)$/m.exec(runbook)?.[1] ?? 'unknown';
  const config = /set config `([^`]+)` to `(\d+)`/.exec(runbook);
  const remediation = config
    ? { action: 'set-config', key: config[1], value: Number(config[2]) }
    : /restart the job/i.test(runbook)
      ? { action: 'restart' }
      : { action: 'none' };
  return JSON.stringify({
    diagnosis: `${incident.event.job}: ${incident.health.status}, matches the runbook "${title}"`,
    remediation,
    confidence: remediation.action === 'none' ? 0.4 : 0.8,
  });
}
