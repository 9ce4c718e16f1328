import type { UpstreamMarks } from './upstream-marks.ts';
import type { ControlUpdate } from './watermark-control.ts';

interface Arrival {
  readonly seq: number;
  readonly eventTime: number;
  /** A watermark control record's news, for the upstream marks as committed. */
  readonly update: ControlUpdate | undefined;
  pending: number;
}

/**
 * Tracks which inputs of a partition are done, to compute the watermark: the
 * highest seq at or below which every input that arrived is done. Inputs arrive
 * in seq order but finish in any order (keys run in parallel). With `marks`,
 * it keeps the upstream marks as of the watermark too: what a restart from it
 * must start with.
 */
export class WatermarkTracker {
  #queue: Arrival[] = [];
  #head = 0;
  #bySeq = new Map<number, Arrival>();
  #watermark: number;
  #eventTimeWatermark: number;
  #maxSeen: number;
  readonly #marks: UpstreamMarks | undefined;

  constructor(watermark: number, eventTimeWatermark: number, marks?: UpstreamMarks) {
    this.#marks = marks;
    this.#watermark = watermark;
    this.#eventTimeWatermark = eventTimeWatermark;
    this.#maxSeen = watermark;
  }

  get watermark(): number {
    return this.#watermark;
  }

  /** Highest event time among inputs at or below the watermark. */
  get eventTimeWatermark(): number {
    return this.#eventTimeWatermark;
  }

  /** The upstream marks as of the watermark (for a partition that reads upstream eddy partitions). */
  get marks(): UpstreamMarks | undefined {
    return this.#marks;
  }

  /** Highest seq that ever arrived; anything at or below it is a redelivery. */
  get maxSeen(): number {
    return this.#maxSeen;
  }

  get inFlight(): number {
    return this.#queue.length - this.#head;
  }

  /** Registers a new input with one pending task. Seqs must increase. */
  arrive(seq: number, eventTime: number, update?: ControlUpdate): void {
    if (seq <= this.#maxSeen) throw new RangeError(`seq ${seq} arrived after ${this.#maxSeen}`);
    this.#maxSeen = seq;
    const arrival = { seq, eventTime, update, pending: 1 };
    this.#queue.push(arrival);
    this.#bySeq.set(seq, arrival);
  }

  /** Adds a task (such as a timer firing) that must finish before `seq` counts as done. */
  hold(seq: number): void {
    const arrival = this.#bySeq.get(seq);
    if (arrival) arrival.pending++;
  }

  done(seq: number): void {
    const arrival = this.#bySeq.get(seq);
    if (!arrival) return;
    arrival.pending--;
    if (arrival.pending > 0) return;
    this.#bySeq.delete(seq);
    while (this.#head < this.#queue.length) {
      const first = this.#queue[this.#head];
      if (!first || first.pending > 0) break;
      this.#watermark = first.seq;
      if (first.eventTime > this.#eventTimeWatermark) this.#eventTimeWatermark = first.eventTime;
      if (first.update) this.#marks?.apply(first.update);
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
