import http from 'node:http';
import net from 'node:net';
import fc from 'fast-check';
import type { Store } from '../../src/store';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

// Keep-alive, so hundreds of runs do not pay a TCP handshake each.
const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

export function closeAgent(): void {
  agent.destroy();
}

/** Sends exactly these bytes to exactly this path: no client library re-encodes either. */
export function send(
  baseUrl: string,
  request: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string; chunked?: boolean },
): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const headers: Record<string, string> = { ...request.headers };
  // Chunked: no Content-Length, so the server can only find the size by reading.
  if (body !== undefined && !request.chunked) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method: request.method ?? 'POST', path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined && request.chunked) {
      for (let i = 0; i < body.length; i += 16 * 1024) req.write(body.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(body);
  });
}

/** The one error shape: `{ error: { code, message, details } }`, as JSON. */
export function isErrorBody(res: RawResponse): boolean {
  const e = res.json?.error;
  return (
    res.contentType.startsWith('application/json') &&
    Object.keys(res.json).length === 1 &&
    typeof e?.code === 'string' &&
    typeof e?.message === 'string' &&
    'details' in e &&
    Object.keys(e).length === 3
  );
}

/** Fails with the response in the message, which is what a shrunk counterexample needs to be read. */
export function expectAnswer(res: RawResponse, status: number, code?: string | string[]): void {
  const codes = code === undefined ? undefined : Array.isArray(code) ? code : [code];
  const ok = res.status === status && (status >= 300 ? isErrorBody(res) && (!codes || codes.includes(res.json.error.code)) : true);
  if (!ok) throw new Error(`expected ${status}${codes ? ` ${codes.join('|')}` : ''}, got ${res.status} ${res.contentType} ${res.text.slice(0, 300)}`);
}

/** Every table, every row, in a stable order: what "nothing stored changed" is compared on. */
export async function snapshot(store: Store): Promise<Record<string, string[]>> {
  const tables =
    store.db.dialect === 'sqlite'
      ? await store.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await store.db.all<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()');
  const result: Record<string, string[]> = {};
  for (const { name } of tables.sort((a, b) => a.name.localeCompare(b.name))) {
    const rows = await store.db.all<Record<string, unknown>>(`SELECT * FROM ${name}`);
    result[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return result;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, with the value found there. */
export function paths(value: Json, prefix: Array<string | number> = []): Array<{ path: Array<string | number>; value: Json }> {
  const here = prefix.length ? [{ path: prefix, value }] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((v, i) => paths(v, [...prefix, i]))];
  if (value !== null && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
  return here;
}

export function setPath(value: Json, path: Array<string | number>, replacement: Json): Json {
  const copy = structuredClone(value);
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = replacement;
  return copy;
}

function kind(value: Json): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

const smallJson = fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>;
const BY_KIND: Record<string, fc.Arbitrary<Json>> = {
  string: fc.string({ maxLength: 20 }),
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  array: fc.array(smallJson, { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), smallJson, { maxKeys: 3 }) as fc.Arbitrary<Json>,
  null: fc.constant(null),
};

/**
 * A value of another JSON type than `original`. `avoid` lists types that would
 * be valid there anyway (null where the contract allows it, or strings for a
 * null that stands for an optional string), so every replacement is wrong.
 */
export function wrongType(original: Json, avoid: string[] = []): fc.Arbitrary<Json> {
  const kinds = Object.keys(BY_KIND).filter((k) => k !== kind(original) && !avoid.includes(k));
  return fc.oneof(...kinds.map((k) => BY_KIND[k]));
}

/** Writes raw bytes on a fresh connection and reads until the server closes it: for requests no HTTP client would send. */
export function exchangeRaw(baseUrl: string, bytes: Buffer): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = raw.split('\r\n\r\n');
      const text = rest.join('\r\n\r\n');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        contentType: /\r\ncontent-type: *([^\r]*)/i.exec(head)?.[1] ?? '',
        text,
        json,
      });
    });
    socket.end(bytes);
  });
}
