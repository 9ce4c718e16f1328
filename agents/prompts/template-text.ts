import { PromptSyntaxError } from './prompt-syntax-error.ts';

/** A parsed template: literal text and variables, in order. */
export type TemplatePart =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'variable'; readonly name: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Splits `{name}` variables from literal text; `{{` and `}}` stand for single
 * braces. Strict on purpose: a lone brace is far more often a JSON example
 * that forgot to escape than a wish for a literal brace.
 */
export function parseTemplate(template: string): readonly TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  let i = 0;
  while (i < template.length) {
    const c = template[i];
    if (c === '{' && template[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (c === '}' && template[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (c === '}') {
      throw new PromptSyntaxError(template, i, 'unmatched "}"');
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end === -1) throw new PromptSyntaxError(template, i, 'unclosed "{"');
      const name = template.slice(i + 1, end);
      if (!IDENTIFIER.test(name))
        throw new PromptSyntaxError(
          template,
          i,
          `${JSON.stringify(name)} is not a variable name (letters, digits and _, not starting with a digit)`,
        );
      if (text !== '') parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'variable', name });
      i = end + 1;
    } else {
      text += c;
      i += 1;
    }
  }
  if (text !== '') parts.push({ kind: 'text', text });
  return parts;
}

/** Variable names in order of first use. */
export function variablesOf(parts: readonly TemplatePart[]): string[] {
  const names = new Set<string>();
  for (const part of parts) if (part.kind === 'variable') names.add(part.name);
  return [...names];
}

/** Joins the parts with values already checked by {@link checkValues}. */
export function fillTemplate(
  parts: readonly TemplatePart[],
  values: Readonly<Record<string, string | number | boolean>>,
): string {
  let out = '';
  for (const part of parts) out += part.kind === 'text' ? part.text : String(values[part.name]);
  return out;
}
