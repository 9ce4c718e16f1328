import { actor, from, type Log, type Pipeline, pipeline, type Store, to } from 'eddy';
import {
  defineModel,
  type Embedder,
  embed,
  type Match,
  type MemoryCollection,
  predict,
  upsertVectors,
  vectorSearch,
} from 'eddy/memory';
import { map } from 'rxjs';
import { z } from 'zod';
import { type Chunk, chunker } from './chunker.ts';

/** The pack's subjects, under a prefix (default `rag`): documents and questions in, answers out. */
export function ragSubjects(prefix = 'rag') {
  return { documents: `${prefix}.documents`, questions: `${prefix}.questions`, answers: `${prefix}.answers` };
}
/** Every document chunk lives in this namespace: the knowledge base all questions share. */
export const KNOWLEDGE = 'kb';

const DocumentChange = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('upsert'),
    docId: z.string().min(1),
    title: z.string(),
    text: z.string().min(1),
  }),
  z.object({ kind: z.literal('delete'), docId: z.string().min(1) }),
]);
const Question = z.object({ questionId: z.string().min(1), text: z.string().min(1) });

/** The answer model: a question and its sources in, an answer citing them out. */
export function answerModel(model?: string) {
  return defineModel({
    name: 'rag-answer',
    ...(model === undefined ? {} : { model }),
    input: z.object({
      text: z.string(),
      matches: z.array(z.object({ id: z.string(), text: z.string(), score: z.number() })),
    }),
    output: z.object({
      answer: z.string(),
      citations: z.array(z.string()).describe('ids of the sources the answer uses'),
    }),
    system:
      'Answer the question from the numbered sources only. Cite the ids of the sources you use. If they do not answer it, say so.',
    prompt: (q) =>
      `Question: ${q.text}\n\nSources:\n${q.matches.map((m) => `[${m.id}] ${m.text}`).join('\n')}`,
    parameters: { temperature: 0 },
  });
}

export interface RagSetup {
  readonly log: Log;
  readonly store: Store;
  readonly documents: MemoryCollection;
  readonly embedder: Embedder;
  readonly model?: string;
  /** Sources per question. Default 3. */
  readonly k?: number;
  /** Names the subjects and pipelines (default `rag`). */
  readonly prefix?: string;
}

/**
 * Documents in: chunked per document, embedded (cached by content), written
 * to the collection in the commit of the change that made them; a shorter
 * update or a delete removes the chunks that are gone.
 */
export function documentsPipeline(s: RagSetup): Pipeline<Chunk> {
  return pipeline(
    { name: `${s.prefix ?? 'rag'}-documents`, log: s.log, store: s.store },
    from(ragSubjects(s.prefix).documents, DocumentChange).pipe(
      actor(chunker),
      embed(s.embedder, { text: (c: Chunk) => (c.remove ? c.chunkId : `${c.title}\n${c.text}`) }),
      upsertVectors(s.documents, {
        namespace: () => KNOWLEDGE,
        id: (c) => c.chunkId,
        text: (c) => c.text,
        embedding: (c) => c.embedding,
        metadata: (c) => ({ docId: c.docId, title: c.title }),
        remove: (c) => c.remove,
      }),
    ),
  ) as Pipeline<Chunk>;
}

/** An answer as published to `rag.answers`. */
export interface Answer {
  readonly questionId: string;
  readonly text: string;
  readonly matches: readonly Match[];
  readonly answer: { readonly answer: string; readonly citations: readonly string[] };
}

/**
 * Questions in: embedded, the k best chunks found (hybrid: vectors and
 * words), answered with citations by the answer model (a journaled call:
 * never asked twice for one question), published exactly once.
 */
export function questionsPipeline(s: RagSetup): Pipeline<Answer> {
  return pipeline(
    { name: `${s.prefix ?? 'rag'}-questions`, log: s.log, store: s.store },
    from(ragSubjects(s.prefix).questions, Question).pipe(
      embed(s.embedder, { text: (q) => q.text }),
      vectorSearch(s.documents, {
        embedding: (q) => q.embedding,
        namespaces: () => [KNOWLEDGE],
        k: s.k ?? 3,
        text: (q) => q.text,
      }),
      // The vector has done its work: it does not travel with the answer.
      map(({ embedding: _vector, ...q }) => q),
      predict(answerModel(s.model), { as: 'answer' }),
      to(ragSubjects(s.prefix).answers),
    ),
  ) as unknown as Pipeline<Answer>;
}
