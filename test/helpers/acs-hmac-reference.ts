import { webcrypto } from 'node:crypto';

/**
 * An independent implementation of the documented ACS HMAC scheme
 * ("Sign an HTTP request", learn.microsoft.com/azure/communication-services/tutorials/hmac-header-tutorial),
 * written against the documentation with WebCrypto and sharing no code with
 * src/client/signing.ts, so the two can check each other.
 */
const subtle = webcrypto.subtle;

async function sha256Base64(body: string): Promise<string> {
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(body));
  return Buffer.from(digest).toString('base64');
}

async function hmacBase64(base64Key: string, message: string): Promise<string> {
  const key = await subtle.importKey('raw', Buffer.from(base64Key, 'base64'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await subtle.sign('HMAC', key, new TextEncoder().encode(message));
  return Buffer.from(mac).toString('base64');
}

export async function referenceSign(
  method: string,
  absoluteUrl: string,
  body: string,
  accessKey: string,
  date = new Date(),
): Promise<Record<string, string>> {
  const url = new URL(absoluteUrl);
  // The documented host is the URL's authority: hostname plus any non-default port.
  const host = url.port ? `${url.hostname}:${url.port}` : url.hostname;
  const pathAndQuery = url.pathname + url.search;
  const utcNow = date.toUTCString();
  const contentHash = await sha256Base64(body);
  const stringToSign = [method.toUpperCase(), pathAndQuery, [utcNow, host, contentHash].join(';')].join('\n');
  const signature = await hmacBase64(accessKey, stringToSign);
  return {
    'x-ms-date': utcNow,
    'x-ms-content-sha256': contentHash,
    authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
  };
}
