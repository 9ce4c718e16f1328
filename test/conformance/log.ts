import { afterEach, beforeEach, describe } from 'vitest';
import { ackTests } from './log-ack-tests.ts';
import { acklessTests } from './log-ackless-tests.ts';
import { appendTests } from './log-append-tests.ts';
import { consumeTests } from './log-consume-tests.ts';
import { dedupTests } from './log-dedup-tests.ts';
import { propertyTests } from './log-property-tests.ts';
import { readTests } from './log-read-tests.ts';
import { refusalTests } from './log-refusal-tests.ts';
import { type LogConformanceOptions, logSuite, type OpenedLog } from './log-suite.ts';
import { topicTests } from './log-topic-tests.ts';

export type { LogConformanceOptions, OpenedLog } from './log-suite.ts';

/**
 * The contract every `Log` implementation passes: the embedded `MemoryLog` and
 * JetStream. It assumes only what the interface promises: sequences strictly
 * increase within a partition but need not be contiguous (JetStream numbers
 * the whole stream), redeliveries may come after newer records, and a topic
 * outlives the test that made it (subjects are unique per run). Every test
 * gets a freshly opened log.
 *
 * @example
 * logConformance('memory', async () => {
 *   const log = new MemoryLog();
 *   return { log, close: () => log.close() };
 * });
 */
export function logConformance(
  name: string,
  open: () => Promise<OpenedLog>,
  options: LogConformanceOptions = {},
): void {
  let opened: OpenedLog | undefined;
  const current = (): OpenedLog => {
    if (opened === undefined) throw new Error('the log is only open inside a test');
    return opened;
  };
  const suite = logSuite(current, options);

  describe(`Log conformance: ${name}`, { timeout: suite.timeout }, () => {
    beforeEach(async () => {
      opened = await open();
    });

    afterEach(async () => {
      await opened?.close();
      opened = undefined;
    });

    topicTests(suite);
    appendTests(suite);
    refusalTests(suite);
    dedupTests(suite);
    readTests(suite);
    consumeTests(suite);
    ackTests(suite);
    acklessTests(suite);
    propertyTests(suite);
  });
}
