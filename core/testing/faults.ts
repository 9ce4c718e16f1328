import fc from 'fast-check';

/**
 * One injected failure. Commit and delivery numbers count from 1 across the
 * whole run (restarts included), so a schedule replays identically.
 */
export type Fault =
  /** The partition's process dies just before its nth commit reaches the store. */
  | { readonly kind: 'crash-before-commit'; readonly commit: number }
  /** ...just after the nth commit, before any publish or ack. */
  | { readonly kind: 'crash-after-commit'; readonly commit: number }
  /** ...after publishing outputs, before deleting them from the outbox (nth delete). */
  | { readonly kind: 'crash-after-publish'; readonly delete: number }
  /**
   * The nth publish of the stage never reaches the log, and the process dies
   * waiting for its acknowledgement. A row deleted from the outbox before its
   * acknowledgement would be lost for good.
   */
  | { readonly kind: 'lost-publish'; readonly publish: number }
  /** The log hands the nth delivery over twice in a row. */
  | { readonly kind: 'duplicate-delivery'; readonly delivery: number }
  /** The log hands the nth delivery over again `after` deliveries later. */
  | { readonly kind: 'redelivery'; readonly delivery: number; readonly after: number }
  /** After the nth commit, the instance drains and a new one takes over: recovery from snapshots. */
  | { readonly kind: 'restart'; readonly commit: number }
  /** After the nth commit, the whole instance dies (no drain): the next replays from the watermark. */
  | { readonly kind: 'kill'; readonly commit: number };

/**
 * Random fault schedules for fast-check.
 *
 * @example
 * fc.assert(fc.asyncProperty(faultSchedule(), async (faults) => { ... }));
 */
export function faultSchedule(
  options: { maxFaults?: number; maxCommit?: number; maxDelivery?: number } = {},
) {
  const commit = fc.integer({ min: 1, max: options.maxCommit ?? 12 });
  const delivery = fc.integer({ min: 1, max: options.maxDelivery ?? 20 });
  const fault: fc.Arbitrary<Fault> = fc.oneof(
    fc.record({ kind: fc.constant('crash-before-commit' as const), commit }),
    fc.record({ kind: fc.constant('crash-after-commit' as const), commit }),
    fc.record({ kind: fc.constant('crash-after-publish' as const), delete: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('lost-publish' as const), publish: fc.integer({ min: 1, max: 12 }) }),
    fc.record({ kind: fc.constant('duplicate-delivery' as const), delivery }),
    fc.record({
      kind: fc.constant('redelivery' as const),
      delivery,
      after: fc.integer({ min: 0, max: 5 }),
    }),
    fc.record({ kind: fc.constant('restart' as const), commit }),
    fc.record({ kind: fc.constant('kill' as const), commit }),
  );
  return fc.array(fault, { maxLength: options.maxFaults ?? 4 });
}
