/**
 * Which delivered sequences the caller has not acknowledged yet, so a consumer
 * that vanished can be re-created at the first of them. A sequence may be
 * outstanding more than once (a redelivery after a re-creation); it counts as
 * done only when every delivery of it was acknowledged.
 */
export class UnackedTracker {
  readonly #outstanding = new Map<number, number>();
  #next: number;

  /** `fromSeq`: where delivery starts when nothing was delivered yet. */
  constructor(fromSeq: number) {
    this.#next = fromSeq;
  }

  delivered(seq: number): void {
    this.#outstanding.set(seq, (this.#outstanding.get(seq) ?? 0) + 1);
    if (seq >= this.#next) this.#next = seq + 1;
  }

  acked(seq: number): void {
    const n = this.#outstanding.get(seq);
    if (n === undefined) return;
    if (n <= 1) this.#outstanding.delete(seq);
    else this.#outstanding.set(seq, n - 1);
  }

  /** The lowest unacknowledged sequence, or the one after the last delivered. */
  resumeSeq(): number {
    let min = this.#next;
    for (const seq of this.#outstanding.keys()) if (seq < min) min = seq;
    return min;
  }
}
