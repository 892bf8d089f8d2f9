import { z } from 'zod';
import { parseRawId } from '../identifiers';
import { EmulatorError } from './errors';

/** `a.b[0].c`: the name of the field a zod issue is about, as the client wrote it. */
export function fieldOf(path: PropertyKey[]): string {
  return (
    path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
      .join('') || '(body)'
  );
}

/** Parses or throws a 400 whose message starts with the first bad field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, code = 'InvalidRequestBody'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
  // An unknown key is reported on its parent object; name the key itself.
  if (issue.code === 'unrecognized_keys') {
    throw new EmulatorError(400, code, `${fieldOf([...issue.path, issue.keys[0]])}: is not a known field${more}`);
  }
  throw new EmulatorError(400, code, `${fieldOf(issue.path)}: ${issue.message}${more}`);
}

/** A raw id (`+1425…`, `4:+1425…`, `8:acs:…`, `8:orgid:…`), normalised to its canonical form. */
export const rawIdSchema = z.string().transform((value, ctx) => {
  try {
    return parseRawId(value).rawId;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
});

/** Durations the control API accepts: whole milliseconds up to a day. */
export const durationMs = z.number().int().min(0).max(86_400_000);
