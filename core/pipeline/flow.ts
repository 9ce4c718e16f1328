import type { OperatorFunction } from 'rxjs';
import type { ZodType, z } from 'zod';

type Op<A, B> = OperatorFunction<A, B>;

/**
 * A pipeline's chain, not yet running: a source subject and the operators
 * after it — plain RxJS operators that treat records one at a time (map,
 * filter, mergeMap with sync, Promise or Observable projections, catchError,
 * retry, timeout, ...) and eddy's steps (`actor`, `to`, `keyBy`). Each plain
 * operator chain runs on each record on its own: what it emits replaces the
 * record (none drops it, several split it), and its completion says the
 * record is done. State across records belongs in actors, never in RxJS
 * operators (a `scan` here sees one record at a time). Run it with `pipeline`.
 *
 * @example
 * const flow = from('reviews', Review).pipe(filter((r) => r.text !== ''), map(clean), actor(scorer), to('scores'));
 */
export class Flow<T> {
  /** The subject records come from. */
  readonly subject: string;
  /** Checks (and types) the JSON of each input record; undefined: any JSON. */
  readonly schema: ZodType | undefined;
  readonly ops: readonly Op<never, unknown>[];
  readonly source: SourceOptions<never>;
  /** Types the chain's records; never set at run time. */
  declare readonly _records?: T;

  constructor(
    subject: string,
    schema: ZodType | undefined,
    ops: readonly Op<never, unknown>[],
    source: SourceOptions<never> = {},
  ) {
    this.subject = subject;
    this.schema = schema;
    this.ops = ops;
    this.source = source;
  }

  pipe(): Flow<T>;
  pipe<A>(op1: Op<T, A>): Flow<A>;
  pipe<A, B>(op1: Op<T, A>, op2: Op<A, B>): Flow<B>;
  pipe<A, B, C>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>): Flow<C>;
  pipe<A, B, C, D>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>): Flow<D>;
  pipe<A, B, C, D, E>(op1: Op<T, A>, op2: Op<A, B>, op3: Op<B, C>, op4: Op<C, D>, op5: Op<D, E>): Flow<E>;
  pipe<A, B, C, D, E, F>(
    op1: Op<T, A>,
    op2: Op<A, B>,
    op3: Op<B, C>,
    op4: Op<C, D>,
    op5: Op<D, E>,
    op6: Op<E, F>,
  ): Flow<F>;
  pipe<A, B, C, D, E, F, G>(
    op1: Op<T, A>,
    op2: Op<A, B>,
    op3: Op<B, C>,
    op4: Op<C, D>,
    op5: Op<D, E>,
    op6: Op<E, F>,
    op7: Op<F, G>,
  ): Flow<G>;
  pipe<A, B, C, D, E, F, G, H>(
    op1: Op<T, A>,
    op2: Op<A, B>,
    op3: Op<B, C>,
    op4: Op<C, D>,
    op5: Op<D, E>,
    op6: Op<E, F>,
    op7: Op<F, G>,
    op8: Op<G, H>,
  ): Flow<H>;
  pipe<A, B, C, D, E, F, G, H, J>(
    op1: Op<T, A>,
    op2: Op<A, B>,
    op3: Op<B, C>,
    op4: Op<C, D>,
    op5: Op<D, E>,
    op6: Op<E, F>,
    op7: Op<F, G>,
    op8: Op<G, H>,
    op9: Op<H, J>,
  ): Flow<J>;
  pipe(...ops: Op<never, unknown>[]): Flow<unknown>;
  pipe(...ops: Op<never, unknown>[]): Flow<unknown> {
    return new Flow<unknown>(this.subject, this.schema, [...this.ops, ...ops], this.source);
  }
}

/**
 * The start of a pipeline: the records of a log subject (the partitions this
 * instance owns), their JSON checked by `schema`. A record whose bytes are not
 * UTF-8 JSON or fail the schema becomes a dead letter.
 *
 * @example
 * from('orders', z.object({ amount: z.number() })).pipe(actor(totals), to('totals'));
 */
export function from<S extends ZodType>(
  subject: string,
  schema: S,
  options?: SourceOptions<z.infer<S>>,
): Flow<z.infer<S>>;
export function from(subject: string): Flow<unknown>;
export function from(subject: string, schema?: ZodType, options: SourceOptions<never> = {}): Flow<unknown> {
  return new Flow(subject, schema, [], options);
}

/** How a source reads its records. */
export interface SourceOptions<T> {
  /**
   * The record's event time (ms since the epoch), for windows and event-time
   * timers: read from the record once it is decoded (whole ms). Default: the
   * time the record was appended with (`eventTime`), or the log's. A record
   * whose time cannot be read (it throws, or gives no number) runs at the
   * partition's current event time and does not move the watermark.
   *
   * @example
   * ```ts
   * from('clicks', Click, { eventTime: (click) => Date.parse(click.at) });
   * ```
   */
  readonly eventTime?: (record: T) => number;
  /**
   * Where the partitions' event clock (their watermark, before the allowed
   * lateness) comes from. `records` (default): the highest event time of the
   * partition's records. `upstream`: the subject is written by another eddy
   * pipeline's `to(subject, { watermarks: true })`; the clock is the minimum
   * over that pipeline's partitions of how far each got, skipping those it
   * announced idle, so windows here close on the upstream's event time even
   * where the records reaching one partition come from many. Until every
   * upstream partition has spoken, the clock waits. Set this pipeline's
   * `allowedLatenessMs` at least the upstream's, or the upstream's window
   * results can arrive late here.
   *
   * @example
   * ```ts
   * from('scores', Score, { watermarks: 'upstream' });
   * ```
   */
  readonly watermarks?: 'records' | 'upstream';
}
