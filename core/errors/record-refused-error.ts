/**
 * A log refuses this record as it is and always will: retrying cannot help.
 * `append` and `check` throw its two kinds for what they see themselves
 * (`InvalidRecordError`: key, msg id, header or origin; `PayloadTooLargeError`),
 * and `append` throws it as such for a refusal only the server gives (a
 * stream's maximum message size). A stage turns an output the log refuses into
 * a dead letter instead of retrying it forever.
 *
 * @example
 * try { await log.append('orders', record); }
 * catch (e) { if (e instanceof RecordRefusedError) deadLetter(record, e.message); else throw e; }
 */
export class RecordRefusedError extends Error {
  override readonly name: string = 'RecordRefusedError';
  readonly subject: string;

  constructor(subject: string, message: string) {
    super(message);
    this.subject = subject;
  }
}

/** Which part of a record breaks the log's rules. */
export type RecordPart = 'key' | 'msgId' | 'header' | 'origin';

/**
 * A record's key, msg id, headers or origin break the rules every Log keeps
 * (see `keyProblem`; msg ids and header values without line breaks or
 * surrounding whitespace; `Eddy-*` and `Nats-*` header names reserved).
 *
 * @example
 * await log.append('orders', { key: '', payload, msgId: 'm1' }); // throws InvalidRecordError (part 'key')
 */
export class InvalidRecordError extends RecordRefusedError {
  override readonly name = 'InvalidRecordError';
  readonly part: RecordPart;

  constructor(subject: string, part: RecordPart, problem: string) {
    super(subject, `record for "${subject}" refused: ${problem}; fix the ${part} (nothing was appended)`);
    this.part = part;
  }
}

/**
 * A record is larger than the log takes: for JetStream, the NATS server's
 * `max_payload` (default 1 MiB, headers included) or the stream's maximum
 * message size; for the memory log, its `maxRecordBytes` (default 1 MiB).
 *
 * @example
 * await log.append('orders', { key: 'k', payload: new Uint8Array(5 << 20), msgId: 'm1' }); // throws PayloadTooLargeError
 */
export class PayloadTooLargeError extends RecordRefusedError {
  override readonly name = 'PayloadTooLargeError';
  readonly bytes: number;
  readonly maxBytes: number;

  constructor(subject: string, bytes: number, maxBytes: number, limit: string) {
    super(
      subject,
      `record for "${subject}" refused: ${bytes} bytes with headers, over ${limit} of ${maxBytes} bytes; make it smaller (store large data elsewhere and send a reference) or raise the limit`,
    );
    this.bytes = bytes;
    this.maxBytes = maxBytes;
  }
}
