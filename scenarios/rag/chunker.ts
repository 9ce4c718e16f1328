import { defineActor } from 'eddy';

/** A document as it arrives: added or changed (with its text), or deleted. */
export type DocumentChange =
  | { readonly kind: 'upsert'; readonly docId: string; readonly title: string; readonly text: string }
  | { readonly kind: 'delete'; readonly docId: string };

/** One chunk to embed and write, or a chunk to remove (a shorter update, or a delete). */
export interface Chunk {
  readonly [key: string]: string | boolean | number;
  readonly chunkId: string;
  readonly docId: string;
  readonly title: string;
  readonly text: string;
  readonly remove: boolean;
}

/** About this many characters per chunk, cut at sentence ends. */
const CHUNK_CHARS = 400;

/** Sentences packed into chunks of about CHUNK_CHARS characters. */
export function chunksOf(text: string): string[] {
  const sentences = text.match(/[^.!?。！？]+[.!?。！？]*\s*/gu) ?? [text];
  const chunks: string[] = [];
  let current = '';
  for (const s of sentences) {
    if (current.length > 0 && current.length + s.length > CHUNK_CHARS) {
      chunks.push(current.trim());
      current = '';
    }
    current += s;
  }
  if (current.trim() !== '') chunks.push(current.trim());
  return chunks;
}

/**
 * Per document: cuts its text into chunks and remembers how many it has, so
 * that an update with fewer chunks removes the rest and a delete removes
 * them all (chunk ids are `<docId>#<n>`).
 */
export const chunker = defineActor({
  name: 'rag-chunker',
  initial: () => ({ chunks: 0 }),
  decide: (state: { chunks: number }, change: DocumentChange, ctx) => {
    const parts = change.kind === 'upsert' ? chunksOf(change.text) : [];
    const title = change.kind === 'upsert' ? change.title : '';
    parts.forEach((text, n) => {
      ctx.emit({ chunkId: `${change.docId}#${n}`, docId: change.docId, title, text, remove: false });
    });
    for (let n = parts.length; n < state.chunks; n++) {
      ctx.emit({ chunkId: `${change.docId}#${n}`, docId: change.docId, title, text: '', remove: true });
    }
    return [{ type: 'Chunked' as const, chunks: parts.length }];
  },
  evolve: (_s, e: { type: 'Chunked'; chunks: number }) => ({ chunks: e.chunks }),
});
