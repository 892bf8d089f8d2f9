import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface Listening {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

async function listen(server: http.Server, scheme: 'http' | 'https', seen: Seen[]): Promise<Listening> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * The App Service managed-identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER), the one
 * source @azure/identity's ManagedIdentityCredential lets point at plain http on loopback:
 * it hands out `token` for any resource when the secret header matches, else 401 as App Service does.
 */
export async function startIdentityEndpoint(secret: string, token: string): Promise<Listening> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const resource = new URL(req.url ?? '/', 'http://x').searchParams.get('resource');
    res.setHeader('content-type', 'application/json');
    if (req.headers['x-identity-header'] !== secret) {
      res.writeHead(401).end(JSON.stringify({ statusCode: 401, message: 'Unauthorized: missing or wrong X-IDENTITY-HEADER' }));
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(200).end(JSON.stringify({ access_token: token, expires_on: String(expiresOn), resource, token_type: 'Bearer' }));
  });
  return listen(server, 'http', seen);
}

/** A throwaway self-signed certificate for 127.0.0.1; the service trusts it through NODE_EXTRA_CA_CERTS. */
export function selfSignedCertificate(): { dir: string; certFile: string; key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'callhook-tls-'));
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { dir, certFile, key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) };
}

/**
 * Stands in for the ACS resource over https (the SDK sends bearer tokens over TLS only):
 * keeps every request's headers and answers a create call with a connection, anything else 202.
 */
export async function startHttpsAcs(tls: { key: Buffer; cert: Buffer }): Promise<Listening> {
  const seen: Seen[] = [];
  const server = https.createServer(tls, (req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'POST' && (req.url ?? '').startsWith('/calling/callConnections?')) {
        res.writeHead(201).end(JSON.stringify({ callConnectionId: 'entra-leg-1', serverCallId: 'entra-server-call-1', callConnectionState: 'connecting' }));
        return;
      }
      res.writeHead(202).end('{}');
    });
  });
  return listen(server, 'https', seen);
}
