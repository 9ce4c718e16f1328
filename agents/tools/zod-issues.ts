import type { z } from 'zod';
import type { ToolIssue } from './tool.ts';

/** Zod issues as `path: message` pairs a model can act on. */
export function toolIssues(error: z.ZodError): ToolIssue[] {
  return error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message }));
}

/** One line per issue, for the error message. */
export function issuesText(issues: readonly ToolIssue[]): string {
  return issues.map((i) => (i.path === '' ? i.message : `${i.path}: ${i.message}`)).join('; ');
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
