export interface AcsConnection {
  /** Origin plus optional base path, without a trailing slash. */
  endpoint: string;
  /** The access key exactly as it appears in the connection string (base64). */
  accessKey: string;
}

export class ConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionStringError';
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** Parses `endpoint=https://…;accesskey=…` (keys are case-insensitive, order free). */
export function parseConnectionString(value: string): AcsConnection {
  const parts = new Map<string, string>();
  for (const [index, segment] of value.split(';').entries()) {
    if (segment.trim() === '') continue;
    const eq = segment.indexOf('=');
    // The segment itself is not echoed: a mangled one is often the access key.
    if (eq <= 0) throw new ConnectionStringError(`segment ${index + 1} is not key=value`);
    parts.set(segment.slice(0, eq).trim().toLowerCase(), segment.slice(eq + 1).trim());
  }
  const endpoint = parts.get('endpoint');
  const accessKey = parts.get('accesskey');
  if (!endpoint) throw new ConnectionStringError('missing endpoint=…');
  if (!accessKey) throw new ConnectionStringError('missing accesskey=…');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConnectionStringError('endpoint is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConnectionStringError('endpoint must be an http(s) URL');
  }
  if (!BASE64.test(accessKey) || Buffer.from(accessKey, 'base64').length === 0) {
    throw new ConnectionStringError('accesskey is not base64');
  }
  return { endpoint: `${url.origin}${url.pathname.replace(/\/+$/, '')}`, accessKey };
}

export function formatConnectionString(connection: AcsConnection): string {
  return `endpoint=${connection.endpoint}/;accesskey=${connection.accessKey}`;
}
