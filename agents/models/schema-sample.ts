import type { JsonSchema } from './chat-model.ts';

/** Beyond this depth of nesting or `$ref`s, only what is required is filled: recursive schemas end. */
const MAX_DEPTH = 6;

interface Context {
  readonly root: JsonSchema;
  /** Text strings are made of (the user's words, for the offline model). */
  readonly text: string;
  readonly depth: number;
}

type Node = Readonly<Record<string, unknown>>;

/**
 * A value valid against a JSON Schema (the subset zod's `toJSONSchema`
 * writes: types, enum/const, anyOf/oneOf/allOf, $ref/$defs, string formats
 * and lengths, number bounds, array and object shapes). Deterministic: the
 * same schema and text give the same value. A `pattern` is met only when one
 * of a few plain candidates matches it.
 *
 * @example
 * sampleJsonSchema({ type: 'object', properties: { n: { type: 'integer', minimum: 3 } }, required: ['n'] });
 * // { n: 3 }
 */
export function sampleJsonSchema(schema: JsonSchema, text = 'offline'): unknown {
  return sample(schema, { root: schema, text, depth: 0 }, 0, 'value');
}

function sample(node: unknown, ctx: Context, variant: number, name: string): unknown {
  if (node === true || node === undefined) return ctx.text;
  if (!isNode(node)) return null;
  if (typeof node.$ref === 'string') {
    if (ctx.depth > MAX_DEPTH * 2) return null;
    return sample(resolveRef(ctx.root, node.$ref), { ...ctx, depth: ctx.depth + 1 }, variant, name);
  }
  if ('const' in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[variant % node.enum.length];
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches) && branches.length > 0)
      return sample(pickBranch(branches), ctx, variant, name);
  }
  if (Array.isArray(node.allOf) && node.allOf.length > 0)
    return sample(mergeAll(node, node.allOf), ctx, variant, name);
  switch (typeOf(node)) {
    case 'object':
      return sampleObject(node, ctx);
    case 'array':
      return sampleArray(node, ctx);
    case 'string':
      return sampleString(node, ctx, variant, name);
    case 'integer':
      return sampleNumber(node, variant, true);
    case 'number':
      return sampleNumber(node, variant, false);
    case 'boolean':
      return variant % 2 === 1;
    case 'null':
      return null;
    default:
      return ctx.text;
  }
}

function sampleObject(node: Node, ctx: Context): Record<string, unknown> {
  const properties = isNode(node.properties) ? node.properties : {};
  const required = Array.isArray(node.required) ? node.required.filter((r) => typeof r === 'string') : [];
  const deep = ctx.depth >= MAX_DEPTH;
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(properties)) {
    if (deep && !required.includes(key)) continue;
    out[key] = sample(schema, inner, 0, key);
  }
  for (const key of required)
    if (!(key in out)) out[key] = sample(node.additionalProperties ?? true, inner, 0, key);
  return out;
}

function sampleArray(node: Node, ctx: Context): unknown[] {
  const inner = { ...ctx, depth: ctx.depth + 1 };
  const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
  const min = numberOr(node.minItems, 0);
  const max = numberOr(node.maxItems, Number.POSITIVE_INFINITY);
  const wanted = Math.min(max, Math.max(min, prefix.length, ctx.depth >= MAX_DEPTH ? 0 : 1));
  const out: unknown[] = [];
  for (let i = 0; i < wanted; i++) {
    const schema = i < prefix.length ? prefix[i] : node.items === false ? undefined : (node.items ?? true);
    if (schema === undefined) break;
    // Each item a different variant, so `uniqueItems` holds for enums, strings and numbers.
    out.push(sample(schema, inner, i, 'item'));
  }
  return out;
}

const FORMATS: Readonly<Record<string, string>> = {
  'date-time': '2000-01-01T00:00:00.000Z',
  date: '2000-01-01',
  time: '00:00:00',
  duration: 'PT1S',
  email: 'offline@example.com',
  'idn-email': 'offline@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  hostname: 'example.com',
  'idn-hostname': 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '00000000-0000-4000-8000-000000000000',
  guid: '00000000-0000-4000-8000-000000000000',
  byte: 'b2ZmbGluZQ==',
  base64: 'b2ZmbGluZQ==',
  regex: '.*',
};

function sampleString(node: Node, ctx: Context, variant: number, name: string): string {
  const format = typeof node.format === 'string' ? FORMATS[node.format] : undefined;
  const encoded = node.contentEncoding === 'base64' ? FORMATS.base64 : undefined;
  const words = ctx.text.trim() === '' ? name : ctx.text;
  const plain = variant === 0 ? words : `${words} ${variant + 1}`;
  let value = format ?? encoded ?? plain;
  if (typeof node.pattern === 'string')
    value = matching(node.pattern, [value, plain, name, 'a', 'A', '0', 'a1', 'offline', '']);
  const min = numberOr(node.minLength, 0);
  const max = numberOr(node.maxLength, Number.POSITIVE_INFINITY);
  if (value.length < min) value = value.padEnd(min, value.length > 0 ? '.' : 'x');
  if (value.length > max) value = value.slice(0, max);
  return value;
}

function matching(pattern: string, candidates: readonly string[]): string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'u');
  } catch {
    return candidates[0] ?? '';
  }
  return candidates.find((c) => re.test(c)) ?? candidates[0] ?? '';
}

function sampleNumber(node: Node, variant: number, integer: boolean): number {
  const min = finite(node.minimum);
  const max = finite(node.maximum);
  const exMin = finite(node.exclusiveMinimum);
  const exMax = finite(node.exclusiveMaximum);
  const step = finite(node.multipleOf);
  const fits = (v: number): boolean =>
    Number.isFinite(v) &&
    (min === undefined || v >= min) &&
    (max === undefined || v <= max) &&
    (exMin === undefined || v > exMin) &&
    (exMax === undefined || v < exMax) &&
    (!integer || Number.isInteger(v)) &&
    (step === undefined || step <= 0 || Math.abs(v / step - Math.round(v / step)) < 1e-9);
  const lower = Math.max(min ?? Number.NEGATIVE_INFINITY, exMin ?? Number.NEGATIVE_INFINITY);
  const upper = Math.min(max ?? Number.POSITIVE_INFINITY, exMax ?? Number.POSITIVE_INFINITY);
  // Candidates in order of preference: the plain variant, then the edges and the middle of the range.
  const seeds = [variant, lower, lower + 1, upper, upper - 1, (lower + upper) / 2];
  for (const seed of seeds) {
    if (!Number.isFinite(seed)) continue;
    const rounded = [seed, Math.ceil(seed), Math.floor(seed)];
    if (step !== undefined && step > 0)
      rounded.push(Math.ceil(seed / step) * step, Math.floor(seed / step) * step);
    const found = rounded.find(fits);
    if (found !== undefined) return found;
  }
  return variant;
}

function typeOf(node: Node): string | undefined {
  const type = node.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type))
    return type.find((t) => t !== 'null') ?? (type.includes('null') ? 'null' : undefined);
  if (isNode(node.properties) || node.additionalProperties !== undefined) return 'object';
  if (node.items !== undefined || node.prefixItems !== undefined) return 'array';
  return undefined;
}

/** The first branch that is not `null`: a nullable field gets a value, which is more use. */
function pickBranch(branches: readonly unknown[]): unknown {
  return branches.find((b) => !(isNode(b) && b.type === 'null')) ?? branches[0];
}

function mergeAll(node: Node, parts: readonly unknown[]): Node {
  const { allOf: _parts, ...own } = node;
  let merged: Record<string, unknown> = { ...own };
  for (const part of parts) {
    if (!isNode(part)) continue;
    const properties = {
      ...(isNode(merged.properties) ? merged.properties : {}),
      ...(isNode(part.properties) ? part.properties : {}),
    };
    const required = [
      ...(Array.isArray(merged.required) ? merged.required : []),
      ...(Array.isArray(part.required) ? part.required : []),
    ];
    merged = { ...merged, ...part, properties, required };
  }
  if (Object.keys(merged.properties as object).length === 0) delete merged.properties;
  return merged;
}

function resolveRef(root: JsonSchema, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return true;
  let at: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = isNode(at) ? at[key] : undefined;
  }
  return at ?? true;
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
