import { createHash } from 'node:crypto';
import type { Task } from './key-slot.ts';

/**
 * The base of the msg ids of a task's outputs (`<base>:<index>`, and
 * `<base>:dead` for its dead letter), the same on every run of the task:
 * stage, partition, and the input's seq, or the key and the firing's serial.
 *
 * @example
 * msgIdBase('totals', 3, inputTask, 'alice'); // 'totals:3:17'
 * msgIdBase('totals', 3, firingTask, 'a b');  // 'totals:3:t:a%20b:5'
 */
export function msgIdBase(stage: string, partition: number, task: Task, key: string): string {
  const head = `${stage}:${partition}`;
  return task.kind === 'input'
    ? `${head}:${task.delivery.envelope.seq}`
    : `${head}:t:${msgIdKey(key)}:${task.serial}`;
}

/**
 * A key as it goes into a firing's msg id: percent-encoded (msg ids travel in
 * headers, which cannot carry every key), or hashed when long, so that msg
 * ids stay short enough to key outbox rows. Injective either way: an encoded
 * key never starts with `#`.
 */
function msgIdKey(key: string): string {
  const encoded = encodeURIComponent(key);
  if (encoded.length <= 256) return encoded;
  return `#${createHash('sha256').update(key).digest('base64url')}`;
}
