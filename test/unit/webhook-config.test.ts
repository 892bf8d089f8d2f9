import { loadConfig } from '../../src/config';
import { webhookSecret } from '../helpers/webhook-receiver';
import { configError } from '../helpers/config-error';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const PRODUCTION = {
  ACS_CONNECTION_STRING: `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`,
  PUBLIC_BASE_URL: 'https://callhook.example.com',
  SOURCE_IDENTITY: '8:acs:resource_user',
  CALLBACK_SECRET: 'production-callback-secret-0123',
  API_KEY: 'production-api-key-0123456789',
  ACS_RESOURCE_ID: '6d2f1a3b-0000-4c4c-9a9a-1234567890ab',
};
const SECRET = webhookSecret('config');

describe('webhook configuration', () => {
  it('is off with nothing set, and allows private targets only with the embedded emulator', () => {
    expect(loadConfig({}).webhooks).toMatchObject({ url: undefined, secrets: [], events: null, allowPrivate: true, requireHttps: false, horizonMs: 86_400_000 });
    expect(loadConfig(PRODUCTION).webhooks).toMatchObject({ allowPrivate: false, requireHttps: true });
    expect(loadConfig({ ...PRODUCTION, WEBHOOK_ALLOW_PRIVATE: '1' }).webhooks.allowPrivate).toBe(true);
  });

  it('reads several secrets for rotation, the first one first, and an event filter', () => {
    const other = webhookSecret('other');
    const config = loadConfig({ WEBHOOK_URL: 'https://hooks.example.com/in', WEBHOOK_SECRET: `${SECRET}, ${other}`, WEBHOOK_EVENTS: 'call.outcome,campaign.finished' });
    expect(config.webhooks).toMatchObject({ url: 'https://hooks.example.com/in', secrets: [SECRET, other], events: ['call.outcome', 'campaign.finished'] });
  });

  it.each([
    [{ WEBHOOK_URL: 'https://hooks.example.com/in' }, 'WEBHOOK_SECRET', /required with WEBHOOK_URL/],
    [{ WEBHOOK_SECRET: 'not-a-whsec-secret' }, 'WEBHOOK_SECRET', /whsec_/],
    [{ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }, 'WEBHOOK_SECRET', /at least 24 bytes/],
    [{ WEBHOOK_URL: 'ftp://hooks.example.com' }, 'WEBHOOK_URL', /http\(s\) URL/],
    [{ WEBHOOK_EVENTS: 'call.outcome,call.nope' }, 'WEBHOOK_EVENTS', /call\.outcome, call\.ended/],
    [{ WEBHOOK_ALLOW_PRIVATE: 'maybe' }, 'WEBHOOK_ALLOW_PRIVATE', /1 or 0/],
    [{ WEBHOOK_RETRY_HORIZON_SECONDS: '0' }, 'WEBHOOK_RETRY_HORIZON_SECONDS', /at least 1/],
  ])('refuses %j naming %s', (env, variable, message) => {
    const err = configError(env as Record<string, string>);
    expect(err.message).toContain(variable);
    expect(err.message).toMatch(message);
  });

  it('needs an https WEBHOOK_URL with the real service', () => {
    const err = configError({ ...PRODUCTION, WEBHOOK_URL: 'http://hooks.example.com/in', WEBHOOK_SECRET: SECRET });
    expect(err.message).toMatch(/WEBHOOK_URL.*https/);
  });

  it('never shows a secret in its error', () => {
    expect(configError({ WEBHOOK_SECRET: 'whsec_c2hvcnQ=' }).message).not.toContain('c2hvcnQ');
  });
});
