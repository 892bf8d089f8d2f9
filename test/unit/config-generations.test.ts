import { loadConfig } from '../../src/config';
import { configError as refusal } from '../helpers/config-error';

const KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const REAL = {
  ACS_CONNECTION_STRING: `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`,
  PUBLIC_BASE_URL: 'https://callhook.example.com',
  SOURCE_IDENTITY: '8:acs:resource_user',
  CALLBACK_SECRET: 'production-callback-secret-0123',
  API_KEY: 'production-api-key-0123456789',
  ACS_RESOURCE_ID: '6d2f1a3b-0000-4c4c-9a9a-1234567890ab',
};
const LOCAL = { ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:4010/;accesskey=${KEY}`, CALLHOOK_DEV: '1' };

describe('ACS_API_VERSION picks the generation', () => {
  it('defaults to the seed preview with the embedded emulator or a local endpoint', () => {
    expect(loadConfig({})).toMatchObject({ acsApiVersion: '2021-06-15-preview', acsGeneration: 'preview' });
    expect(loadConfig(LOCAL)).toMatchObject({ acsApiVersion: '2021-06-15-preview', acsGeneration: 'preview' });
  });

  it('defaults to 2026-03-12 (GA) with the real service', () => {
    expect(loadConfig(REAL)).toMatchObject({ acsApiVersion: '2026-03-12', acsGeneration: 'ga' });
  });

  it('takes a stable date as GA, also with the emulator', () => {
    expect(loadConfig({ ACS_API_VERSION: '2023-10-15' })).toMatchObject({ acsApiVersion: '2023-10-15', acsGeneration: 'ga' });
  });

  it('refuses the seed preview against a non-local endpoint, in one line naming the variable', () => {
    const err = refusal({ ...REAL, ACS_API_VERSION: '2021-06-15-preview' });
    expect(err.variable).toBe('ACS_API_VERSION');
    expect(err.message).toMatch(/retired preview.*2026-03-12/);
    expect(err.message).not.toContain('\n');
  });

  it('requires ACS_RESOURCE_ID with the real GA service', () => {
    const { ACS_RESOURCE_ID: _dropped, ...env } = REAL;
    expect(refusal(env).variable).toBe('ACS_RESOURCE_ID');
  });
});

describe('what a GA callback JWT must say', () => {
  it('with the real service: the documented issuer and the resource id', () => {
    expect(loadConfig(REAL).callbackJwt).toEqual({ issuer: 'https://acscallautomation.communication.azure.com', audience: REAL.ACS_RESOURCE_ID });
  });

  it("with the emulator: the emulator's own values (issuer known once it listens)", () => {
    expect(loadConfig({}).callbackJwt).toEqual({ issuer: undefined, audience: '00000000-0000-0000-0000-00000000ac5e' });
    expect(loadConfig({ EMULATOR_RESOURCE_ID: 'abc-123' }).callbackJwt.audience).toBe('abc-123');
  });

  it('explicit values win, also with a local endpoint', () => {
    const config = loadConfig({ ...LOCAL, ACS_CALLBACK_ISSUER: 'https://issuer.example/', ACS_RESOURCE_ID: 'my-resource' });
    expect(config.callbackJwt).toEqual({ issuer: 'https://issuer.example', audience: 'my-resource' });
  });

  it('refuses an issuer that is not a URL', () => {
    expect(refusal({ ACS_CALLBACK_ISSUER: 'not a url' }).variable).toBe('ACS_CALLBACK_ISSUER');
  });
});
