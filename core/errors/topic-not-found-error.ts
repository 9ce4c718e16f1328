/**
 * A topic was used before `Log.ensureTopic` created it.
 *
 * @example
 * try { await log.append('orders', record); }
 * catch (e) { if (e instanceof TopicNotFoundError) await log.ensureTopic({ subject: e.subject, partitions: 4 }); }
 */
export class TopicNotFoundError extends Error {
  override readonly name = 'TopicNotFoundError';
  readonly subject: string;

  constructor(subject: string) {
    super(`topic "${subject}" does not exist; call ensureTopic({ subject, partitions }) first`);
    this.subject = subject;
  }
}
