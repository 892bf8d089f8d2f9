import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { Listening, selfSignedCertificate, startHttpsAcs, startIdentityEndpoint } from '../helpers/entra-fakes';
import { eventually } from '../helpers/eventually';
import { startServiceProcess, ServiceProcess } from '../helpers/process';
import { TEST_API_KEY } from '../helpers/tokens';

/**
 * ACS_ENDPOINT without a connection string: the real entry point, in its own process, signs in
 * with DefaultAzureCredential. Its managed-identity link is pointed at a local App Service style
 * endpoint, and the ACS resource is a local https server trusted through NODE_EXTRA_CA_CERTS
 * (a process-wide setting, hence a process of its own).
 */
const IDENTITY_SECRET = 'identity-header-secret-0123456789';
const TOKEN = 'eyJ0eXAiOiJKV1QifQ.entra-token-for-communication.c2lnbmF0dXJl';

describe('Microsoft Entra ID: ACS_ENDPOINT with DefaultAzureCredential', () => {
  let tls: ReturnType<typeof selfSignedCertificate>;
  let identity: Listening;
  let acs: Listening;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    tls = selfSignedCertificate();
    identity = await startIdentityEndpoint(IDENTITY_SECRET, TOKEN);
    acs = await startHttpsAcs(tls);
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.kill('SIGTERM')));
    await Promise.all([identity.close(), acs.close()]);
    fs.rmSync(tls.dir, { recursive: true, force: true });
  });

  async function start(identityHeader: string): Promise<ServiceProcess> {
    const p = await startServiceProcess({
      ACS_ENDPOINT: `${acs.url}/`,
      ACS_API_VERSION: '2026-03-12',
      IDENTITY_ENDPOINT: `${identity.url}/msi/token`,
      IDENTITY_HEADER: identityHeader,
      NODE_EXTRA_CA_CERTS: tls.certFile,
      DATABASE_URL: `sqlite:${path.join(tls.dir, `${running.length}.db`)}`,
    });
    running.push(p);
    return p;
  }

  const placeCall = (p: ServiceProcess) =>
    request(p.url).post('/api/calls').set('Authorization', `Bearer ${TEST_API_KEY}`).send({ to: '+14255550123', audioFileUri: 'https://media.example.com/reminder.wav' });

  it('fetches a token for Communication Services from the identity endpoint and sends it as the bearer to ACS', async () => {
    const p = await start(IDENTITY_SECRET);
    expect(p.output.join('\n')).toMatch(/api-version 2026-03-12, Microsoft Entra ID \(DefaultAzureCredential\)/);
    const before = acs.seen.length;
    const res = await placeCall(p);
    expect(res.status).toBe(201);

    const create = await eventually('the create call at the ACS stand-in', () => acs.seen.slice(before).find((r) => r.method === 'POST' && r.url.startsWith('/calling/callConnections?')));
    expect(create.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(new URL(create.url, acs.url).searchParams.get('api-version')).toBe('2026-03-12');
    // No HMAC beside the token: the access-key path is not what signed this.
    expect(create.headers['x-ms-content-sha256']).toBeUndefined();

    const asked = identity.seen.map((r) => new URL(r.url, identity.url));
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((u) => u.pathname === '/msi/token' && u.searchParams.get('resource') === 'https://communication.azure.com/')).toBe(true);
    expect(identity.seen.every((r) => r.headers['x-identity-header'] === IDENTITY_SECRET)).toBe(true);

    // The timeline records the stand-in's real answer (201 Created) for the create.
    const call = await eventually('the create on the call timeline', async () => {
      const got = await request(p.url).get(`/api/calls/${res.body.id}`).set('Authorization', `Bearer ${TEST_API_KEY}`);
      return got.body.timeline?.some((e: { kind: string; name: string }) => e.kind === 'request' && e.name === 'createCall') && got.body;
    });
    expect(call.timeline.find((e: { kind: string; name: string }) => e.kind === 'request' && e.name === 'createCall').status).toBe('201');
    // Secrets never logged: neither the token nor the identity header.
    expect(p.output.join('\n')).not.toContain(TOKEN);
    expect(p.output.join('\n')).not.toContain(IDENTITY_SECRET);
  });

  it('sends nothing to ACS when the identity endpoint refuses: a 502 naming the sign-in, and the failed create on the timeline', async () => {
    const p = await start('not-the-identity-secret');
    const before = acs.seen.length;
    const res = await placeCall(p);
    expect(res.status).toBe(502);
    expect(res.body.error.details).toMatchObject({ operation: 'createCall', code: 'entra_id_sign_in_failed' });
    expect(res.body.error.details.message).toMatch(/ManagedIdentityCredential/);
    const got = await request(p.url).get(`/api/calls/${res.body.error.details.callId}`).set('Authorization', `Bearer ${TEST_API_KEY}`);
    const create = got.body.timeline.find((e: { kind: string; name: string }) => e.kind === 'request' && e.name === 'createCall');
    expect(create.status).toBe('entra_id_sign_in_failed');
    expect(acs.seen.length).toBe(before);
    // docs/ga.md: a failed sign-in is not retried (the SDK's retry strategies do not match it).
    expect(identity.seen.filter((r) => r.headers['x-identity-header'] === 'not-the-identity-secret')).toHaveLength(1);
    expect(p.output.join('\n')).not.toContain('not-the-identity-secret');
  });
});
