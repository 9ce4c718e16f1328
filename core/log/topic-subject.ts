/**
 * Throws unless `subject` can name a topic on every Log: dot-separated,
 * non-empty tokens without whitespace, `*` or `>` (NATS subject rules), so a
 * pipeline that runs on the memory log also runs on JetStream.
 */
export function assertTopicSubject(subject: string): void {
  if (subject === '' || /[\s*>]/.test(subject) || subject.split('.').some((token) => token === '')) {
    throw new TypeError(
      `topic subject "${subject}" is not valid: use dot-separated tokens without spaces, '*' or '>'`,
    );
  }
}
