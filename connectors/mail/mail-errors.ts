/** The SMTP server could not be reached or refused the mail for now: send it again later (same Message-ID). */
export class MailUnavailableError extends Error {
  override readonly name = 'MailUnavailableError';
}

/** The server refused the mail for good (a 5xx: bad recipient, message rejected): sending it again will not help. */
export class MailRejectedError extends Error {
  override readonly name = 'MailRejectedError';
}
