declare const committed: unique symbol;

/**
 * A record a pipeline committed — and published, when its chain ends with
 * `to(subject)` — as the pipeline hands it out. Whatever comes after (a
 * dashboard's `bufferTime`, a `tap` for logs) is plain RxJS and cannot change
 * what was committed: the value is deeply frozen (and read-only in its type),
 * and only eddy makes these.
 *
 * @example
 * pipeline(config, flow).pipe(bufferTime(1000)).subscribe((batch) => dashboard.show(batch.map((c) => c.value)));
 */
export interface Committed<T> {
  readonly value: Readonly<T>;
  readonly key: string;
  /** Where it was published (the chain's last `to`); undefined for a chain that ends otherwise. */
  readonly subject: string | undefined;
  /** Its msg id in `subject`. */
  readonly msgId: string | undefined;
  /** The partition of the (last part's) input it came from. */
  readonly partition: number;
  readonly [committed]: true;
}

/** Makes a `Committed` (only eddy does). */
export function committedRecord<T>(record: Omit<Committed<T>, typeof committed>): Committed<T> {
  return Object.freeze(record) as Committed<T>;
}
