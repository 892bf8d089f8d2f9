/**
 * Reading what the service answered. Bodies are untrusted bytes: an empty 202,
 * a proxy's HTML error page or truncated JSON must not throw from here.
 */

export type ParsedBody = { kind: 'empty' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

export function parseBody(raw: string): ParsedBody {
  if (raw.trim() === '') return { kind: 'empty' };
  try {
    return { kind: 'json', value: JSON.parse(raw) as unknown };
  } catch {
    return { kind: 'text', text: raw };
  }
}

export interface UpstreamErrorDetails {
  code?: string;
  message?: string;
}

/** The seed's `{ code, message }`, or the Azure-wide `{ error: { code, message } }`. */
export function errorDetails(body: ParsedBody): UpstreamErrorDetails {
  if (body.kind !== 'json' || !isRecord(body.value)) return {};
  const source = isRecord(body.value.error) ? body.value.error : body.value;
  return {
    code: nonEmptyString(source.code),
    message: nonEmptyString(source.message),
  };
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Response headers with lower-case names and single string values. */
export function normalizeHeaders(headers: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === 'string') out[name.toLowerCase()] = value;
    else if (Array.isArray(value) && typeof value[0] === 'string') out[name.toLowerCase()] = value[0];
    else if (typeof value === 'number') out[name.toLowerCase()] = String(value);
  }
  return out;
}
