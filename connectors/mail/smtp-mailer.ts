import nodemailer from 'nodemailer';
import { z } from 'zod';
import { redactText } from '../jetstream/redact.ts';
import { MailRejectedError, MailUnavailableError } from './mail-errors.ts';
import { messageIdFor } from './message-id.ts';

export interface SmtpMailerOptions {
  /** `smtp://user:pass@host:587`, `smtps://…:465`; the password never reaches a log or an error. */
  readonly url: string;
  /** The sender, `Name <address>` or an address. */
  readonly from: string;
  /** Domain of the Message-IDs. Default the sender's. */
  readonly messageIdDomain?: string;
  /** Per-connection timeouts (connect, greeting, socket). Default 10 s. */
  readonly timeoutMs?: number;
}

/** One mail: plain text, to one or more addresses, sent under an idempotency key. */
export interface Mail {
  readonly to: string | readonly string[];
  readonly subject: string;
  readonly text: string;
  /** Gives the Message-ID: a mail sent again under the same key is the same mail. */
  readonly idempotencyKey: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SentMail {
  readonly messageId: string;
  readonly accepted: readonly string[];
}

/** Sends mails; `close()` ends its connections. */
export interface Mailer {
  send(mail: Mail, options?: { readonly signal?: AbortSignal }): Promise<SentMail>;
  close(): void;
}

const Address = z.email();

/**
 * Mail through an SMTP server (nodemailer), each mail with a Message-ID made
 * from its idempotency key: a tool that sends one again after a crash sends
 * the same mail, not a second one with a new id. Failures are typed: a
 * `MailUnavailableError` (connection refused, timeout, a 4xx, a refused
 * login) is worth retrying once fixed; a `MailRejectedError` (a 5xx for the
 * mail itself: a bad recipient, a rejected message) is not. Neither carries the URL's
 * password.
 *
 * @example
 * ```ts
 * const mailer = smtpMailer({ url: process.env.SMTP_URL ?? 'smtp://127.0.0.1:2525', from: 'voc@shop.example' });
 * await mailer.send({ to: 'ops@shop.example', subject: 'Late parcels', text: '…', idempotencyKey: 'case-7' });
 * ```
 */
export function smtpMailer(options: SmtpMailerOptions): Mailer {
  if (!URL.canParse(options.url) || !/^smtps?:$/.test(new URL(options.url).protocol)) {
    throw new TypeError(
      'smtpMailer: url must be an smtp:// or smtps:// URL (not shown, it may hold a password)',
    );
  }
  const domain = options.messageIdDomain ?? senderDomain(options.from);
  const timeout = options.timeoutMs ?? 10_000;
  const url = new URL(options.url);
  const secure = url.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: url.hostname,
    port: url.port === '' ? (secure ? 465 : 587) : Number(url.port),
    secure,
    ...(url.username === ''
      ? {}
      : { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail, sendOptions = {}) {
      sendOptions.signal?.throwIfAborted();
      const to = typeof mail.to === 'string' ? [mail.to] : mail.to;
      for (const address of to) {
        if (!Address.safeParse(address).success)
          throw new MailRejectedError(`"${address}" is not an e-mail address`);
      }
      const messageId = messageIdFor(mail.idempotencyKey, domain);
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: [...to],
          subject: mail.subject,
          text: mail.text,
          messageId,
          headers: { ...mail.headers },
        });
        return { messageId, accepted: info.accepted.map(String) };
      } catch (error) {
        throw classify(error);
      }
    },
    close() {
      transport.close();
    },
  };
}

function classify(error: unknown): Error {
  const e = error as { responseCode?: number; message?: string; code?: string };
  const message = redactText(String(e.message ?? error));
  // A refused login is the configuration's fault, not the mail's: keep the mail (and retrying) until it is fixed.
  if (e.code === 'EAUTH')
    return new MailUnavailableError(
      `the SMTP server refused the login: check the user and password of the SMTP URL (${message})`,
    );
  if (typeof e.responseCode === 'number' && e.responseCode >= 500)
    return new MailRejectedError(`the SMTP server refused the mail (${e.responseCode}): ${message}`);
  return new MailUnavailableError(
    `the SMTP server is unavailable (${e.code ?? e.responseCode ?? 'no answer'}): ${message}; send again later, the Message-ID stays the same`,
  );
}

function senderDomain(from: string): string {
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const at = address.lastIndexOf('@');
  return at === -1 ? 'localhost' : address.slice(at + 1).trim();
}
