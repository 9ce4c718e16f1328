import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MailRejectedError, MailUnavailableError } from '../../connectors/mail/mail-errors.ts';
import { messageIdFor } from '../../connectors/mail/message-id.ts';
import { smtpMailer } from '../../connectors/mail/smtp-mailer.ts';
import { freePort } from '../services/free-port.ts';

/** A real SMTP server that wants a login and refuses mail to `nobody@…` for good. */
describe('smtpMailer against a real SMTP exchange', () => {
  let server: SMTPServer;
  let port = 0;
  const received: { messageId: string | undefined; to: string[] }[] = [];

  beforeAll(async () => {
    server = new SMTPServer({
      logger: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) =>
        auth.username === 'voc' && auth.password === 'p@ss:w/rd'
          ? done(null, { user: 'voc' })
          : done(new Error('bad login')),
      onRcptTo: (address, _session, done) =>
        address.address.startsWith('nobody@')
          ? done(Object.assign(new Error('no such mailbox'), { responseCode: 550 }))
          : done(),
      onData: (stream, session, done) => {
        let raw = '';
        stream.on('data', (c: Buffer) => (raw += c.toString()));
        stream.on('end', () => {
          received.push({
            messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim(),
            to: session.envelope.rcptTo.map((r) => r.address),
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const url = (password = 'p@ss:w/rd') => `smtp://voc:${encodeURIComponent(password)}@127.0.0.1:${port}`;

  it('sends under a Message-ID made from the idempotency key: the same key, the same id', async () => {
    const mailer = smtpMailer({ url: url(), from: 'VOC <voc@shop.example>' });
    const mail = {
      to: 'ana@logistics.example',
      subject: 'Late parcel',
      text: 'R-1',
      idempotencyKey: 'voc/R-1/notify',
    };
    const first = await mailer.send(mail);
    const again = await mailer.send(mail);
    mailer.close();
    expect(first.messageId).toBe(messageIdFor('voc/R-1/notify', 'shop.example'));
    expect(again.messageId).toBe(first.messageId);
    expect(received.slice(-2).map((r) => r.messageId)).toEqual([first.messageId, first.messageId]);
    expect(first.accepted).toEqual(['ana@logistics.example']);
    expect(messageIdFor('voc/R-2/notify', 'shop.example')).not.toBe(first.messageId);
  });

  it('says a refused recipient is for good (MailRejectedError), and never sends a bad address', async () => {
    const mailer = smtpMailer({ url: url(), from: 'voc@shop.example' });
    await expect(
      mailer.send({ to: 'nobody@logistics.example', subject: 's', text: 't', idempotencyKey: 'k' }),
    ).rejects.toBeInstanceOf(MailRejectedError);
    await expect(
      mailer.send({ to: 'not an address', subject: 's', text: 't', idempotencyKey: 'k' }),
    ).rejects.toThrow(/is not an e-mail address/);
    mailer.close();
  });

  it('says a server that is not there, or a login it refuses, is worth retrying later, without the password', async () => {
    const nowhere = await freePort();
    for (const [target, says] of [
      [
        `smtp://voc:${encodeURIComponent('s3cret-pw')}@127.0.0.1:${nowhere}`,
        /is unavailable \(ESOCKET\): .*ECONNREFUSED/,
      ],
      [url('s3cret-pw'), /refused the login/],
    ] as const) {
      const mailer = smtpMailer({ url: target, from: 'voc@shop.example', timeoutMs: 2_000 });
      const error = await mailer
        .send({ to: 'ana@logistics.example', subject: 's', text: 't', idempotencyKey: 'k' })
        .catch((e: unknown) => e as Error);
      mailer.close();
      expect(error).toBeInstanceOf(MailUnavailableError);
      expect((error as Error).message).toMatch(says);
      expect(String((error as Error).message)).not.toContain('s3cret-pw');
      expect(String((error as Error).stack)).not.toContain('s3cret-pw');
    }
  });

  it('refuses a URL that is not smtp:// without echoing it', () => {
    expect(() => smtpMailer({ url: 'http://u:hunter2@x', from: 'a@b.c' })).toThrow(/smtp:\/\/ or smtps:\/\//);
    try {
      smtpMailer({ url: 'http://u:hunter2@x', from: 'a@b.c' });
    } catch (error) {
      expect(String(error)).not.toContain('hunter2');
    }
  });
});
