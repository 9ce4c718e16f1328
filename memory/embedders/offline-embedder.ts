import type { Embedder, Embeddings } from './embedder.ts';

const encoder = new TextEncoder();
/** Han, Hiragana, Katakana, Hangul: scripts written without spaces, taken a character (and pair) at a time. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * The offline embedder: a documented feature-hashing embedder, for demos and
 * tests without a model. Each word (lower-cased, letters and digits), each
 * pair of neighbouring words, and each character trigram of a word are
 * hashed (FNV-1a) to one of `dimensions` buckets with a hashed sign, then the
 * vector is scaled to length 1. Texts that share words therefore have a high
 * cosine similarity, a typo keeps most trigrams, and Chinese or Japanese text
 * counts characters and character pairs as words. It knows no synonyms and
 * no meaning: "parcel" and "package" are unrelated to it. Deterministic
 * everywhere, so a replay embeds the same text to the same vector.
 *
 * @example
 * ```ts
 * const embedder = offlineEmbedder({ dimensions: 384 });
 * const { vectors } = await embedder.embed(['late delivery', 'delivery was late']);
 * ```
 */
export function offlineEmbedder(options: { readonly dimensions?: number } = {}): Embedder {
  const dimensions = options.dimensions ?? 384;
  if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > 4096) {
    throw new RangeError(`offline embedder dimensions must be an integer in 8..4096, got ${dimensions}`);
  }
  return {
    id: `offline:hashing-${dimensions}`,
    dimensions,
    offline: true,
    maxBatch: 1024,
    embed: async (texts): Promise<Embeddings> => ({
      vectors: texts.map((t) => hashingVector(t, dimensions)),
      inputTokens: 0,
    }),
  };
}

export function hashingVector(text: string, dimensions: number): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const add = (feature: string, weight: number): void => {
    const h = fnv1a(feature);
    v[h % dimensions] = (v[h % dimensions] as number) + (h & 0x80000000 ? -weight : weight);
  };
  const words = wordsOf(text);
  words.forEach((w, i) => {
    add(`w:${w}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${w}`, 0.5);
    if (w.length > 3) for (let j = 0; j + 3 <= w.length; j++) add(`t:${w.slice(j, j + 3)}`, 0.3);
  });
  const norm = Math.hypot(...v);
  // An empty text still gets a vector (a fixed one), so a batch never fails on it.
  if (norm === 0) return v.map((_, i) => (i === 0 ? 1 : 0));
  return v.map((x) => x / norm);
}

function wordsOf(text: string): string[] {
  const out: string[] = [];
  for (const token of text
    .toLowerCase()
    .normalize('NFKC')
    .match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (!UNSPACED.test(token)) {
      out.push(token);
      continue;
    }
    const chars = [...token];
    chars.forEach((c, i) => {
      out.push(c);
      if (i > 0) out.push(`${chars[i - 1]}${c}`);
    });
  }
  return out;
}

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(s)) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
