interface Arrival {
  readonly seq: number;
  readonly eventTime: number;
  pending: number;
}

/**
 * Tracks which inputs of a partition are done, to compute the watermark: the
 * highest seq at or below which every input that arrived is done. Inputs arrive
 * in seq order but finish in any order (keys run in parallel).
 */
export class WatermarkTracker {
  #queue: Arrival[] = [];
  #head = 0;
  #bySeq = new Map<number, Arrival>();
  #watermark: number;
  #eventTimeWatermark: number;
  #maxSeen: number;

  constructor(watermark: number, eventTimeWatermark: number) {
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

  /** Highest seq that ever arrived; anything at or below it is a redelivery. */
  get maxSeen(): number {
    return this.#maxSeen;
  }

  get inFlight(): number {
    return this.#queue.length - this.#head;
  }

  /** Registers a new input with one pending task. Seqs must increase. */
  arrive(seq: number, eventTime: number): void {
    if (seq <= this.#maxSeen) throw new RangeError(`seq ${seq} arrived after ${this.#maxSeen}`);
    this.#maxSeen = seq;
    const arrival = { seq, eventTime, pending: 1 };
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
      this.#head++;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }
}
