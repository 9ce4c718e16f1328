import type { OutputDraft } from '../runtime/unit.ts';
import { type Announcement, type AnnounceTarget, controlDrafts } from './watermark-control.ts';

export interface AnnouncerOptions {
  readonly target: AnnounceTarget;
  /** At most one announcement of a moved clock per this long (wall clock). */
  readonly intervalMs: number;
  /** The clock as committed when this owner took the partition. */
  readonly from: number;
}

/**
 * Decides when a partition tells the partitions downstream of it how far its
 * event time got: with a commit whose event-time watermark moved, at most
 * once per `intervalMs` (Flink's watermark interval), and that it went idle
 * when the runtime says so. What it announces rides in a commit's outbox, so
 * it is published exactly once, after the outputs it covers. The value is the
 * committed event-time watermark: every input not yet committed has a clock
 * at least that high, so nothing sent after it is late by it downstream.
 *
 * @example
 * const announcer = new Announcer({ target, intervalMs: 200 }, () => commitSoon());
 * const drafts = announcer.due(mark, false) ? announcer.take(mark) : [];
 */
export class Announcer {
  readonly #o: AnnouncerOptions;
  readonly #wake: () => void;
  #announced: Announcement | undefined;
  #announcedAt = Number.NEGATIVE_INFINITY;
  #idleOwed = false;
  /** Input came back after an idle announcement: the clock is owed again, even unmoved. */
  #comeback = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: AnnouncerOptions, wake: () => void) {
    this.#o = options;
    this.#wake = wake;
  }

  /** The partition has had no input for a while: say so downstream with the next commit. */
  idle(): void {
    this.#idleOwed = true;
    this.#wake();
  }

  /** Input came again: an idle announcement not yet made is no longer owed. */
  active(): void {
    this.#idleOwed = false;
    if (this.#announced?.kind === 'idle') this.#comeback = true;
  }

  /**
   * Whether a commit now should carry an announcement of `mark`. `now`
   * (a drain) ignores the interval, but says only what this owner learned:
   * the clock it started from goes out with its first commit, if it makes one.
   */
  due(mark: number, now: boolean): boolean {
    if (this.#idleOwed) return !(this.#announced?.kind === 'idle' && this.#announced.value === mark);
    // Downstream skips an idle partition until it speaks: say the clock at once, moved or not.
    if (this.#comeback) return true;
    if (this.#announced !== undefined && mark <= this.#announced.value) return false;
    if (now) return this.#announced !== undefined || mark > this.#o.from;
    return Date.now() - this.#announcedAt >= this.#o.intervalMs;
  }

  /** The control records of the announcement `due` said is due. */
  take(mark: number): readonly OutputDraft[] {
    const announcement: Announcement = this.#idleOwed
      ? { kind: 'idle', value: mark }
      : { kind: 'watermark', value: mark };
    this.#idleOwed = false;
    this.#comeback = false;
    this.#announced = announcement;
    this.#announcedAt = Date.now();
    return controlDrafts(this.#o.target, announcement);
  }

  /** A moved clock that is not due yet: wakes the committer once it is. */
  later(mark: number): void {
    if (this.#timer !== undefined || this.due(mark, false)) return;
    if (this.#announced !== undefined && mark <= this.#announced.value) return;
    const wait = Math.max(0, this.#announcedAt + this.#o.intervalMs - Date.now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#wake();
    }, wait);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
