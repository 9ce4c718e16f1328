import type { Logger } from '../../core/logger.ts';

/** Where the banner goes: `process.stderr` by default. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Says loudly that the offline model is in use: a warn line in the log and a
 * banner on stderr, so nobody mistakes its canned answers for a model's.
 */
export function announceOffline(id: string, reason: string, logger: Logger, stderr: TextSink): void {
  announceLoudly(logger, stderr, {
    fields: { model: id, reason },
    message: 'OFFLINE MODEL in use: answers are canned and deterministic, not from an LLM',
    lines: [
      `eddy: OFFLINE MODEL "${id}" IN USE (${reason})`,
      'Its answers are canned and deterministic: no LLM is called.',
      'For real answers set ANTHROPIC_API_KEY, OPENAI_API_KEY (with OPENAI_BASE_URL',
      "for a compatible server) or OLLAMA_HOST, and choose a model: 'anthropic:<model>',",
      "'openai:<model>', 'ollama:<model>' (or set EDDY_MODEL).",
    ],
  });
}

/** A warn line in the log and the same news in a banner on stderr: how eddy says a stand-in is in use. */
export function announceLoudly(
  logger: Logger,
  stderr: TextSink,
  news: { readonly fields: object; readonly message: string; readonly lines: readonly string[] },
): void {
  logger.warn(news.fields, news.message);
  writeBanner(stderr, news.lines);
}

/** Lines in a box of `!`, on their own between blank lines: what nobody scrolls past. */
export function writeBanner(stderr: TextSink, lines: readonly string[]): void {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = '!'.repeat(width + 4);
  stderr.write(`\n${rule}\n${lines.map((l) => `! ${l.padEnd(width)} !`).join('\n')}\n${rule}\n\n`);
}

/** A Logger that writes JSON lines to a sink, for when the caller gave none: the warning must show. */
export function sinkLogger(sink: TextSink): Logger {
  const line =
    (level: string) =>
    (obj: object, msg?: string): void => {
      sink.write(
        `${JSON.stringify({ level, time: Date.now(), ...obj, ...(msg === undefined ? {} : { msg }) })}\n`,
      );
    };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
