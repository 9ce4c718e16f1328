import type { ScenarioPack } from '../shared/scenario-pack.ts';
import { renderTable } from '../shared/text-table.ts';
import { type Dashboard, startDashboard } from './dashboard/dashboard-server.ts';
import { liveOfflineAnswer } from './offline-answers.ts';
import { type LiveSummary, runLivestream } from './run-livestream.ts';
import { DEFAULT_SEED } from './subjects.ts';

export type LivePackSummary = LiveSummary & { readonly dashboard: string | null };

/** `eddy scenario livestream`: comments → sentiment and topics → per-minute stats → advice, and a live dashboard. */
export const livestreamPack: ScenarioPack<LivePackSummary> = {
  name: 'livestream',
  title: 'live-stream comment analytics',
  defaultSeed: DEFAULT_SEED,
  defaultEvents: 1_500,
  offlineAnswer: liveOfflineAnswer,
  async run(ctx) {
    let dashboard: Dashboard | undefined;
    try {
      const summary = await runLivestream({
        events: ctx.events,
        seed: ctx.seed,
        ...(ctx.rate === undefined ? {} : { rate: ctx.rate }),
        log: ctx.runtime.log,
        store: ctx.runtime.store,
        db: ctx.runtime.db,
        model: ctx.model,
        logger: ctx.logger,
        signal: ctx.signal,
        onStarted: async (subjects) => {
          if (ctx.dashboard === undefined) return;
          dashboard = await startDashboard({ log: ctx.runtime.log, subjects, port: ctx.dashboard.port });
          ctx.say(`dashboard: ${dashboard.url} (open it in a browser; it updates as minutes close)`);
        },
        onProgress: (p) => {
          ctx.progress.set('comments fed', p.fed, p.comments);
          ctx.progress.set('minutes closed', p.minutes, Math.max(p.expectedMinutes, 1));
        },
      });
      if (dashboard) {
        ctx.say(`dashboard: still serving ${dashboard.url}; Ctrl-C to stop`);
        await new Promise<void>((resolve) =>
          ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
      }
      return { ...summary, dashboard: dashboard?.url ?? null };
    } finally {
      await dashboard?.close();
    }
  },
  render: (s) => {
    const model = s.offline ? `${s.model} (OFFLINE: canned answers, no LLM)` : s.model;
    const counts = renderTable(
      ['what', 'count'],
      [
        ['comments', s.comments],
        ['from guests (no profile)', s.guests],
        ['dead letters', s.deadLetters],
        ['minutes closed', s.minutes],
        ['early (partial) results', s.partialResults],
        [
          'positive / neutral / negative',
          `${s.sentiment.positive} / ${s.sentiment.neutral} / ${s.sentiment.negative}`,
        ],
        ['questions asked', s.questions],
        ['VIP share of comments', `${Math.round(s.vipShare * 100)}%`],
      ],
    );
    const topics = renderTable(
      ['topic', 'comments'],
      s.topTopics.map((t) => [t.topic, t.count]),
    );
    const advice = s.feedback
      .map((f) => `  ${new Date(f.start).toISOString().slice(11, 16)} [${f.priority}] ${f.advice}`)
      .join('\n');
    return [
      `Live stream: ${s.comments} comments in ${s.seconds} s, model ${model}`,
      '',
      counts,
      '',
      'Top topics:',
      topics,
      '',
      'Advice for the streamer (feedback agent, per minute):',
      advice === '' ? '  (none)' : advice,
    ].join('\n');
  },
};
