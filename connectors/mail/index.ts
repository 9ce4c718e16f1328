export { MailRejectedError, MailUnavailableError } from './mail-errors.ts';
export { messageIdFor } from './message-id.ts';
export { type Mail, type Mailer, type SentMail, type SmtpMailerOptions, smtpMailer } from './smtp-mailer.ts';
