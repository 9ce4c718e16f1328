import { type OperatorFunction, pipe } from 'rxjs';
import { jsonDecoder } from '../codec/json-decoder.ts';
import { assertTopicSubject } from '../log/topic-subject.ts';
import type { AnyActor, Program, ProgramStep } from '../runtime/program.ts';
import type { Flow } from './flow.ts';
import type { PartSpec } from './part-runner.ts';
import { stepOf } from './steps.ts';

/** A flow made runnable: its parts (one more per keyBy) and what its chain ends in. */
export interface CompiledFlow {
  readonly parts: readonly PartSpec[];
  /** The last part's end: published to a subject (its last `to`), or committed results. */
  readonly end: { readonly kind: 'published'; readonly subject: string } | { readonly kind: 'results' };
}

/**
 * Splits a flow at its `keyBy`s into parts, each one program that a
 * partition runtime runs per input: consecutive plain RxJS operators become
 * one per-record step, `actor` and `to` steps keep their place, and a `keyBy`
 * ends its part with a hop to `<pipeline>.keyby-<n>`, which the next part
 * reads. Actors between two `keyBy`s run in one commit, in their key's task:
 * cheaper than a hop, and atomic; a `keyBy` is needed only where the key
 * changes, because a key's records must all run in the partition that owns it.
 *
 * @example
 * compileFlow('voc', from('reviews').pipe(actor(scorer), to('scores'))); // one part
 */
export function compileFlow(name: string, flow: Flow<unknown>): CompiledFlow {
  const parts: PartSpec[] = [];
  const seen = new Set<string>();
  let input = flow.subject;
  let decode: Program['decode'] = jsonDecoder(flow.schema);
  let steps: ProgramStep[] = [];
  let actors: AnyActor[] = [];
  let outputs: string[] = [];
  let announceTo: string[] = [];
  const eventTime = flow.source.eventTime as Program['eventTime'];
  const close = (end: Program['end']): void => {
    parts.push({
      name: parts.length === 0 ? name : `${name}.${parts.length}`,
      input,
      program: {
        decode,
        steps,
        actors,
        end,
        // The source's event time; after a hop, records carry theirs in the envelope.
        ...(parts.length === 0 && eventTime ? { eventTime } : {}),
        // After a hop, the clock is the minimum of the clocks the part before announces.
        ...(parts.length > 0 || flow.source.watermarks === 'upstream' ? { clock: 'upstream' as const } : {}),
        ...(announceTo.length > 0 ? { announceTo } : {}),
      },
      outputs,
    });
  };
  for (const op of flow.ops) {
    const spec = stepOf(op);
    if (spec === undefined) {
      const last = steps.at(-1);
      // Consecutive operators run as one chain per record.
      if (last?.kind === 'each') steps[steps.length - 1] = { kind: 'each', op: pipe(last.op, op as Each) };
      else steps.push({ kind: 'each', op: op as Each });
    } else if (spec.kind === 'actor') {
      if (seen.has(spec.actor.name)) {
        throw new TypeError(
          `actor "${spec.actor.name}" appears twice in pipeline "${name}"; an actor's journal is its name, so give each step an actor of its own`,
        );
      }
      seen.add(spec.actor.name);
      actors.push(spec.actor);
      steps.push({ kind: 'actor', actor: actors.length - 1 });
      for (const subject of spec.actor.emitsTo ?? []) {
        assertTopicSubject(subject);
        if (!outputs.includes(subject)) outputs.push(subject);
      }
    } else if (spec.kind === 'to') {
      assertTopicSubject(spec.subject);
      steps.push({ kind: 'sink', subject: spec.subject });
      if (!outputs.includes(spec.subject)) outputs.push(spec.subject);
      if (spec.watermarks && !announceTo.includes(spec.subject)) announceTo.push(spec.subject);
    } else {
      const hop = `${name}.keyby-${parts.length + 1}`;
      assertTopicSubject(hop);
      steps.push({ kind: 'hop', subject: hop, keyOf: spec.keyOf });
      outputs.push(hop);
      announceTo.push(hop);
      close('drop');
      input = hop;
      // The hop carries what the part before produced: checked already, any JSON now.
      decode = jsonDecoder();
      steps = [];
      actors = [];
      outputs = [];
      announceTo = [];
    }
  }
  const last = steps.at(-1);
  const end: CompiledFlow['end'] =
    last?.kind === 'sink' ? { kind: 'published', subject: last.subject } : { kind: 'results' };
  close(end.kind === 'published' ? 'drop' : 'results');
  return { parts, end };
}

type Each = OperatorFunction<unknown, unknown>;
