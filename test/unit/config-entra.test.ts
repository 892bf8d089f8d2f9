import { loadConfig } from '../../src/config';
import { configError as refusal } from '../helpers/config-error';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const ENTRA = {
  ACS_ENDPOINT: 'https://contoso.communication.azure.com/',
  PUBLIC_BASE_URL: 'https://callhook.example.com',
  SOURCE_IDENTITY: '8:acs:resource_user',
  CALLBACK_SECRET: 'production-callback-secret-0123',
  API_KEY: 'production-api-key-0123456789',
  ACS_RESOURCE_ID: '6d2f1a3b-0000-4c4c-9a9a-1234567890ab',
};

describe('ACS_ENDPOINT alone: Microsoft Entra ID', () => {
  it('targets the endpoint with Entra ID on GA, the production requirements applying', () => {
    const config = loadConfig(ENTRA);
    expect(config.acs).toEqual({ endpoint: 'https://contoso.communication.azure.com', auth: 'entraId' });
    expect(config).toMatchObject({ acsGeneration: 'ga', acsApiVersion: '2026-03-12', usesEmulator: false, devDefaults: false });
    const { API_KEY: _k, CALLBACK_SECRET: _s, ...bare } = ENTRA;
    expect(refusal(bare).message).toMatch(/^CALLBACK_SECRET, API_KEY: are required when ACS_ENDPOINT is set/);
  });

  it('defaults to GA on a loopback endpoint too: the seed preview has no Entra ID', () => {
    expect(loadConfig({ ACS_ENDPOINT: 'https://127.0.0.1:8443', CALLHOOK_DEV: '1' })).toMatchObject({ acsGeneration: 'ga', usesEmulator: true });
  });

  it('refuses the seed generation with Entra ID, in one line naming ACS_API_VERSION', () => {
    const err = refusal({ ACS_ENDPOINT: 'https://127.0.0.1:8443', CALLHOOK_DEV: '1', ACS_API_VERSION: '2021-06-15-preview' });
    expect(err.variable).toBe('ACS_API_VERSION');
    expect(err.message).toMatch(/no Microsoft Entra ID sign-in.*ACS_CONNECTION_STRING/);
    expect(err.message).not.toContain('\n');
  });

  it('refuses both ways of authenticating at once, without echoing the access key', () => {
    const err = refusal({ ...ENTRA, ACS_CONNECTION_STRING: `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}` });
    expect(err.variable).toBe('ACS_ENDPOINT');
    expect(err.message).toMatch(/not be set together with ACS_CONNECTION_STRING/);
    expect(err.message).not.toContain(KEY);
  });

  it.each([
    ['http://contoso.communication.azure.com/', /must be an https URL/],
    ['contoso.communication.azure.com', /must be an https URL/],
    ['https://contoso.communication.azure.com/?x=1', /bare resource URL/],
  ])('refuses ACS_ENDPOINT=%s naming the variable', (value, message) => {
    const err = refusal({ ...ENTRA, ACS_ENDPOINT: value });
    expect(err.variable).toBe('ACS_ENDPOINT');
    expect(err.message).toMatch(message);
  });
});
