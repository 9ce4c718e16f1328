import { smtpMailer } from 'eddy/connectors';
import { startMailCatcher } from '../shared/mail-catcher.ts';
import type { ScenarioPack } from '../shared/scenario-pack.ts';
import { renderTable } from '../shared/text-table.ts';
import { vocOfflineAnswer } from './offline-answers.ts';
import { runVoc } from './run-voc.ts';
import { DEFAULT_SEED } from './subjects.ts';
import type { VocSummary } from './voc-summary.ts';

/** A VOC run's summary with the mail side: where mails went and how many distinct ones arrived. */
export type VocPackSummary = VocSummary & {
  readonly smtp: string;
  /** Distinct Message-IDs the pack's own SMTP server received (null with SMTP_URL: another server got them). */
  readonly mailsReceived: number | null;
};

const FROM = 'eddy VOC <voc@shop.example>';

/** `eddy scenario voc`: reviews → scores and mails → satisfaction per product and minute → suggestions. */
export const vocPack: ScenarioPack<VocPackSummary> = {
  name: 'voc',
  title: 'voice of customer',
  defaultSeed: DEFAULT_SEED,
  defaultEvents: 2_000,
  offlineAnswer: vocOfflineAnswer,
  async run(ctx) {
    const smtpUrl = ctx.env.SMTP_URL?.trim() || undefined;
    const catcher = smtpUrl === undefined ? await startMailCatcher() : undefined;
    const url = smtpUrl ?? (catcher as { url: string }).url;
    ctx.say(
      catcher
        ? `mail: a local SMTP server on ${catcher.url} receives the shipping alerts (set SMTP_URL for a real one)`
        : 'mail: shipping alerts go to SMTP_URL',
    );
    const mailer = smtpMailer({ url, from: FROM });
    try {
      const summary = await runVoc({
        events: ctx.events,
        seed: ctx.seed,
        ...(ctx.rate === undefined ? {} : { rate: ctx.rate }),
        log: ctx.runtime.log,
        store: ctx.runtime.store,
        db: ctx.runtime.db,
        model: ctx.model,
        mailer,
        logger: ctx.logger,
        signal: ctx.signal,
        onProgress: (p) => {
          ctx.progress.set('records fed', p.fed, p.records);
          ctx.progress.set('reviews scored', p.scored, p.reviews);
          ctx.progress.set('windows closed', p.windows, p.expectedWindows ?? Math.max(p.windows, 1));
        },
      });
      return {
        ...summary,
        smtp: catcher ? 'local' : 'SMTP_URL',
        mailsReceived: catcher ? catcher.distinctMessageIds() : null,
      };
    } finally {
      mailer.close();
      await catcher?.close();
    }
  },
  render: renderVoc,
};

function renderVoc(s: VocPackSummary): string {
  const run = renderTable(
    ['what', 'count'],
    [
      ['records fed', s.records],
      ['re-sent duplicates (dropped)', s.resent],
      ['reviews', s.reviews],
      ['scored by the agent', s.scored],
      ['not scorable (answer failed the schema)', s.unscored],
      ['dead letters: malformed', s.deadLetters.malformed],
      ['dead letters: unknown product', s.deadLetters.unknownProduct],
      ['shipping alerts (score ≤ 2, shipping)', s.shippingAlerts],
      [
        `mails ${s.mailsReceived === null ? 'sent to SMTP_URL' : 'received by the local SMTP server'}`,
        s.mailsReceived ?? s.mailsSent,
      ],
      ['satisfaction windows (product × minute)', s.windows],
      ['score histogram 0..5', s.scoreHistogram.join(' / ')],
    ],
  );
  const products = renderTable(
    ['product', 'reviews', 'avg score', 'unhappy', 'top complaint'],
    s.products.slice(0, 8).map((p) => [p.name, p.reviews, p.average.toFixed(2), p.unhappy, p.topReason]),
  );
  const worst = s.worstWindows
    .map(
      (w) =>
        `  ${w.productName}, ${new Date(w.start).toISOString().slice(11, 16)} UTC (avg ${w.average}, ${w.reviews} reviews):\n` +
        w.suggestions.map((x, i) => `    ${i + 1}. ${x}`).join('\n'),
    )
    .join('\n');
  const model = s.offline ? `${s.model} (OFFLINE: canned answers, no LLM)` : s.model;
  return [
    `VOC: ${s.records} records in ${s.seconds} s, model ${model}`,
    '',
    run,
    '',
    'Products, least satisfied first:',
    products,
    '',
    'Worst minutes and the suggestions agent’s advice:',
    worst === '' ? '  (none with 3 reviews or more)' : worst,
  ].join('\n');
}
