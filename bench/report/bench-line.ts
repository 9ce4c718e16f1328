// What every bench prints: one JSON line per case on stdout, which `npm run bench`
// collects into bench/results/<bench>.json and the README's tables are made from.

/** A target a ratio (or any figure) is held to: `>= 0.8`, `<= 3`. */
export interface Goal {
  readonly op: '>=' | '<=';
  readonly value: number;
}

export type BenchLine = { readonly bench: string; readonly case: string } & Readonly<Record<string, unknown>>;

/** Prints the lines of bench `bench`, each tagged with it and the Node version. */
export function printer(bench: string): (line: { readonly case: string } & Record<string, unknown>) => void {
  return (line) => {
    process.stdout.write(`${JSON.stringify({ bench, node: process.version, ...line })}\n`);
  };
}

/**
 * A line holding `value` to `goal`: what the summary of `npm run bench` lists,
 * met or not. An undefined value (a case that did not run) is not met.
 *
 * @example
 * print(goalLine('ratio a/b (eddy / ceiling)', 0.84, { op: '>=', value: 0.8 }));
 */
export function goalLine(
  name: string,
  value: number | undefined,
  goal: Goal,
  extra: Record<string, unknown> = {},
): { readonly case: string } & Record<string, unknown> {
  const met = value !== undefined && (goal.op === '>=' ? value >= goal.value : value <= goal.value);
  return { case: name, ratio: value ?? null, goal: `${goal.op} ${goal.value}`, met, ...extra };
}

/** A number rounded to `digits` significant decimals, for lines people read. */
export function rounded(value: number, digits = 2): number {
  return Number(value.toFixed(digits));
}
