import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** A mail as the catcher received it. */
export interface CaughtMail {
  readonly messageId: string;
  readonly to: readonly string[];
  /** As sent: RFC 2047-encoded when it is not ASCII. */
  readonly subject: string;
  /** Every header, names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: number;
}

/** A local SMTP server that keeps what it receives, for the packs' embedded default and tests. */
export interface MailCatcher {
  /** `smtp://127.0.0.1:<port>`: what `SMTP_URL` would be. */
  readonly url: string;
  readonly mails: readonly CaughtMail[];
  /** Mails by Message-ID: a mail sent again (after a crash) under its old id counts once. */
  distinctMessageIds(): number;
  close(): Promise<void>;
}

const MAX_MAIL_BYTES = 1024 * 1024;

/**
 * Starts an SMTP server on 127.0.0.1 (a free port, or `port`) that accepts
 * every mail without authentication and keeps its Message-ID, recipients and
 * headers (not its body). A real SMTP exchange: the packs send through
 * nodemailer to it exactly as to a production server.
 *
 * @example
 * ```ts
 * const catcher = await startMailCatcher();
 * const mailer = smtpMailer({ url: catcher.url, from: 'voc@shop.example' });
 * ```
 */
export async function startMailCatcher(options: { readonly port?: number } = {}): Promise<MailCatcher> {
  const mails: CaughtMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: MAX_MAIL_BYTES,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const headers = headersOf(Buffer.concat(chunks).toString('utf8'));
        mails.push({
          messageId: headers.get('message-id') ?? '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: headers.get('subject') ?? '',
          headers: Object.fromEntries(headers),
          receivedAt: Date.now(),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    distinctMessageIds: () => new Set(mails.map((m) => m.messageId)).size,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The header block of a message, unfolded, names lower-cased. */
function headersOf(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}
