/**
 * The exactly-once protocol of a stage, input log → output log, in one place.
 * DESIGN.md's five steps, and where each is done:
 *
 * 1. **Read in log order from the committed watermark.** A partition's new owner
 *    claims it (`Store.claim`/`acquire`: a new fencing epoch, the committed
 *    watermark) and consumes from `watermark + 1` with a durable consumer
 *    (`core/stage/stage.ts` → `source`); leases: `core/stage/lease-keeper.ts`.
 * 2. **Keys in parallel, each key in order.** `core/runtime/key-scheduler.ts`.
 * 3. **Commit in micro-batches, in one transaction**: journal, snapshots,
 *    outbox (deterministic msg ids: `core/runtime/msg-ids.ts`), key progress
 *    above the watermark, timers, the watermark itself and the origin
 *    sequences, checked against the epoch. `Committer` (pacing, `committer.ts`),
 *    `CommitBuffer` (the batch, `commit-buffer.ts`), `WatermarkTracker` (the
 *    highest seq below which every input is done, `watermark-tracker.ts`), and
 *    each Store's `commit` (the epoch and lease check).
 * 4. **Publish, delete, acknowledge.** Outbox rows are published with their
 *    msg ids (`publishRow`, `outbox-publisher.ts`) and deleted only after the
 *    log acknowledged them: by the partition's next commit, in its statement
 *    (`PublishedOutbox`, `published-outbox.ts`), or, for what no commit takes
 *    soon, by a statement of their own (`OutboxDeleter`, `outbox-deleter.ts`); inputs are
 *    acknowledged (double ack) only after the commit covering them, and told
 *    they are still in progress meanwhile (`InProgressSignals`,
 *    `in-progress-signals.ts`).
 * 5. **Restart or takeover.** Republish what was left in the outbox and carry
 *    on the timers (`takeOver`, `takeover.ts`); re-read from the watermark;
 *    skip an input at or below its key's last applied seq
 *    (`core/runtime/task-runner.ts`) and an upstream output whose origin was
 *    applied already, even when it is republished after the log's duplicate
 *    window (`AppliedOrigins` and `OriginSequencer`: `applied-origins.ts`,
 *    `origin-sequencer.ts`).
 *
 * Internal: the public API is the stage and the operators over it.
 */
export { AppliedOrigins } from './applied-origins.ts';
export { CommitBuffer, type TakenBatch } from './commit-buffer.ts';
export { Committer, type CommitterHooks, type CommitterOptions } from './committer.ts';
export { InProgressSignals } from './in-progress-signals.ts';
export { OriginSequencer } from './origin-sequencer.ts';
export { type FoldedDeletes, OutboxDeleter } from './outbox-deleter.ts';
export { appendRecord, type PublishFallback, publishRow } from './outbox-publisher.ts';
export { foldDeletesMs, PublishedOutbox } from './published-outbox.ts';
export { type Takeover, takeOver } from './takeover.ts';
export { WatermarkTracker } from './watermark-tracker.ts';
