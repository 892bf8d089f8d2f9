import type { z } from 'zod';
import { ValidationError } from '../errors';

/** Parses a request part with zod; a failure is a 400 whose message names the field. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'params' = 'body',
  /** For a value assembled from several request parts: names a field as the client sent it. */
  name: (path: PropertyKey[]) => string = (path) => [where, ...path].map(String).join('.'),
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: name(issue.path),
    message: issue.message,
  }));
  throw new ValidationError(`${details[0].field}: ${details[0].message}`, details);
}
