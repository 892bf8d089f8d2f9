import { spawnSync } from 'node:child_process';
import path from 'node:path';
import express from 'express';
import { DEV_DEFAULTS, loadConfig } from '../../src/config';
import { configError } from '../helpers/config-error';

const ROOT = path.join(__dirname, '..', '..');
const KEY = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
const REAL_ACS = `endpoint=https://contoso.communication.azure.com/;accesskey=${KEY}`;
/** Everything production needs; each test below breaks or drops one thing. */
const PRODUCTION = {
  ACS_CONNECTION_STRING: REAL_ACS,
  PUBLIC_BASE_URL: 'https://callhook.example.com',
  SOURCE_IDENTITY: '8:acs:resource_user',
  CALLBACK_SECRET: 'production-callback-secret-0123',
  API_KEY: 'production-api-key-0123456789',
  ACS_RESOURCE_ID: '6d2f1a3b-0000-4c4c-9a9a-1234567890ab',
};

describe('loadConfig', () => {
  it('runs with no environment at all, against the emulator and a SQLite file', () => {
    const config = loadConfig({}, '/srv/callhook');
    expect(config).toMatchObject({ port: 3000, usesEmulator: true, acs: undefined, database: { kind: 'sqlite', path: '/srv/callhook/data/callhook.db' } });
  });

  it('accepts a complete production environment', () => {
    const config = loadConfig(PRODUCTION);
    expect(config).toMatchObject({ usesEmulator: false, publicBaseUrl: 'https://callhook.example.com', apiKeys: [PRODUCTION.API_KEY] });
  });

  it.each<[string, string]>([
    ['PORT', 'abc'],
    ['PORT', '65536'],
    ['PORT', '-1'],
    ['PUBLIC_BASE_URL', 'not a url'],
    ['PUBLIC_BASE_URL', 'ftp://callhook.example.com'],
    ['ACS_CONNECTION_STRING', 'endpoint=https://x.example'],
    ['ACS_CONNECTION_STRING', `endpoint=ftp://x.example;accesskey=${KEY}`],
    ['ACS_CONNECTION_STRING', 'endpoint=https://x.example;accesskey=not base64!'],
    ['ACS_CONNECTION_STRING', 'just some text'],
    ['ACS_MAX_RETRIES', '11'],
    ['SOURCE_IDENTITY', '8:orgid:someone'],
    ['SOURCE_IDENTITY', '+14255550123'],
    ['ALTERNATE_CALLER_ID', '4255550123'],
    ['ALTERNATE_CALLER_ID', '8:acs:user'],
    ['AGENT_TARGET', 'garbage'],
    ['AGENT_TARGET', '+1'],
    ['CALLBACK_SECRET', 'too-short'],
    ['CALLBACK_SECRET', 'long-enough-secret-0123456789,short'],
    ['CALLBACK_SECRET', ' , '],
    ['API_KEY', 'too-short'],
    ['API_KEY', ','],
    ['DATABASE_URL', 'mysql://user:pw@db/callhook'],
    ['DATABASE_URL', 'sqlite:'],
    ['LOG_LEVEL', 'verbose'],
    ['TRUST_PROXY', 'not-an-address'],
    ['TRUST_PROXY', '10.0.0.0/99'],
    ['TRUST_PROXY', 'loopback,10.0.0.1/8/8'],
    ['EMULATOR_PORT', '70000'],
    ['EMULATOR_ACCESS_KEY', 'not base64!'],
    ['EMULATOR_ACCESS_KEY', Buffer.from('short').toString('base64')],
    ['EMULATOR_TIME_SCALE', '0'],
    ['EMULATOR_TIME_SCALE', '-1'],
    ['EMULATOR_TIME_SCALE', 'fast'],
    ['DISPATCH_CONCURRENCY', '-1'],
    ['DISPATCH_CONCURRENCY', '1001'],
    ['BODY_LIMIT', '1gb'],
    ['BODY_LIMIT', 'lots'],
    ['BODY_LIMIT', '0'],
    ['BODY_LIMIT', '100b'],
    ['SHUTDOWN_TIMEOUT_MS', '1.5'],
    ['REMINDER_WAIT_SECONDS', '0'],
    ['RATE_LIMIT_PER_MINUTE', '0'],
  ])('stops on %s=%j with a ConfigError naming the variable', (variable, value) => {
    const err = configError({ [variable]: value });
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
  });

  it.each<[string, string]>([
    ['CALLBACK_SECRET', 'short-SECRET-x'],
    ['API_KEY', 'short-APIKEY-y'],
    ['EMULATOR_ACCESS_KEY', 'SECRETKEY!!'],
    ['ACS_CONNECTION_STRING', 'endpoint=https://x.example;accesskey=SECRET-KEY-VALUE!'],
    ['ACS_CONNECTION_STRING', 'endpoint=https://x.example;SECRETSECRETSECRET'],
    ['DATABASE_URL', 'mysql://user:SECRETPASSWORD@db/callhook'],
  ])('never echoes the value of %s in the error', (variable, value) => {
    const err = configError({ [variable]: value });
    expect(err.variable).toBe(variable);
    for (const part of value.split(/[;=:@/!]+/).filter((p) => /SECRET|KEY|PASSWORD/.test(p))) expect(err.message).not.toContain(part);
  });

  it('shows a bad non-secret value quoted on one line, even when it holds a newline', () => {
    const err = configError({ PORT: '80\n80' });
    expect(err.message).toBe('PORT: must be a whole number between 0 and 65535 (got "80\\n80")');
  });

  it.each(['PUBLIC_BASE_URL', 'SOURCE_IDENTITY', 'CALLBACK_SECRET', 'API_KEY'])('refuses the real service without %s', (variable) => {
    const env: Record<string, string> = { ...PRODUCTION };
    delete env[variable];
    expect(configError(env).variable).toBe(variable);
  });

  it('names every missing variable at once with the real service, not one per start', () => {
    const err = configError({ ACS_CONNECTION_STRING: REAL_ACS });
    expect(err.message).toBe(
      'ACS_RESOURCE_ID, PUBLIC_BASE_URL, SOURCE_IDENTITY, CALLBACK_SECRET, API_KEY: are required when ACS_CONNECTION_STRING is set, local or not (CALLHOOK_DEV=1 for development defaults; see .env.production.example)',
    );
  });

  it('refuses an http PUBLIC_BASE_URL with the real service, and names the reason', () => {
    const err = configError({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://callhook.example.com' });
    expect(err.variable).toBe('PUBLIC_BASE_URL');
    expect(err.message).toMatch(/https/);
  });

  it.each([
    ['the embedded emulator', {}],
    ['a loopback endpoint with CALLHOOK_DEV=1', { ACS_CONNECTION_STRING: `endpoint=http://127.0.0.1:4010/;accesskey=${KEY}`, CALLHOOK_DEV: '1' }],
    ['localhost with CALLHOOK_DEV=true', { ACS_CONNECTION_STRING: `endpoint=http://localhost:4010;accesskey=${KEY}`, CALLHOOK_DEV: 'true' }],
  ])('accepts an http PUBLIC_BASE_URL and the development defaults with %s', (_what, extra: Record<string, string>) => {
    const config = loadConfig({ PUBLIC_BASE_URL: 'http://10.0.0.5:3000', ...extra });
    expect(config).toMatchObject({ usesEmulator: true, devDefaults: true, publicBaseUrl: 'http://10.0.0.5:3000' });
    expect(config.callbackSecrets).toEqual([DEV_DEFAULTS.callbackSecret]);
    expect(config.apiKeys).toEqual([DEV_DEFAULTS.apiKey]);
  });

  // Regression: a sidecar or proxy to the real service on localhost opened the API with the public dev key.
  it.each([`endpoint=http://localhost:8443/;accesskey=${KEY}`, `endpoint=http://127.0.0.1:4010/;accesskey=${KEY}`, `endpoint=http://[::1]:8443/;accesskey=${KEY}`])(
    'gives no development defaults to a loopback connection string without CALLHOOK_DEV (%s)',
    (connectionString) => {
      const err = configError({ ACS_CONNECTION_STRING: connectionString });
      expect(err.message).toBe(`SOURCE_IDENTITY, CALLBACK_SECRET, API_KEY: ${'are required when ACS_CONNECTION_STRING is set, local or not (CALLHOOK_DEV=1 for development defaults; see .env.production.example)'}`);
      expect(configError({ ACS_CONNECTION_STRING: connectionString, CALLHOOK_DEV: '0' }).variable).toBe('SOURCE_IDENTITY, CALLBACK_SECRET, API_KEY');
    },
  );

  it('accepts a loopback endpoint with every required variable set, an http PUBLIC_BASE_URL, and no emulator agent or caller id', () => {
    const config = loadConfig({ ...PRODUCTION, ACS_CONNECTION_STRING: `endpoint=http://localhost:8443/;accesskey=${KEY}`, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' });
    expect(config).toMatchObject({ devDefaults: false, usesEmulator: true, publicBaseUrl: 'http://127.0.0.1:3000', agentTarget: undefined });
    expect(config.apiKeys).not.toContain(DEV_DEFAULTS.apiKey);
  });

  it('accepts an http PUBLIC_BASE_URL with the real endpoint only under CALLHOOK_DEV=1', () => {
    expect(configError({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://10.0.0.5:3000' }).variable).toBe('PUBLIC_BASE_URL');
    expect(loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://10.0.0.5:3000', CALLHOOK_DEV: '1' }).publicBaseUrl).toBe('http://10.0.0.5:3000');
  });

  it('reads HOST, the listen address, and refuses a value that is no address or host name', () => {
    expect(loadConfig({}).host).toBeUndefined();
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::' }).host).toBe('::');
    expect(configError({ HOST: 'http://0.0.0.0' }).variable).toBe('HOST');
    expect(configError({ CALLHOOK_DEV: 'yes' }).variable).toBe('CALLHOOK_DEV');
  });

  it('reads comma-separated secrets and keys for rotation, current first', () => {
    const config = loadConfig({ CALLBACK_SECRET: 'new-secret-0123456789, old-secret-0123456789', API_KEY: 'key-one-0123456789ab,key-two-0123456789ab' });
    expect(config.callbackSecrets).toEqual(['new-secret-0123456789', 'old-secret-0123456789']);
    expect(config.apiKeys).toEqual(['key-one-0123456789ab', 'key-two-0123456789ab']);
  });

  it('reads sizes and database URLs', () => {
    expect(loadConfig({ BODY_LIMIT: '64kb' }).bodyLimitBytes).toBe(64 * 1024);
    expect(loadConfig({ BODY_LIMIT: '2MB' }).bodyLimitBytes).toBe(2 * 1024 * 1024);
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db/x' }).database).toEqual({ kind: 'postgres', url: 'postgres://u@db/x' });
    expect(loadConfig({ DATABASE_URL: 'sqlite:./x.db' }, '/srv').database).toEqual({ kind: 'sqlite', path: '/srv/x.db' });
  });

  // Express compiles `trust proxy` when the app is built; a value it refuses must already be refused here.
  it.each(['true', 'false', '1', '2', 'loopback', 'loopback, linklocal, uniquelocal', '10.0.0.1', '10.0.0.0/8', '10.0.0.0/255.0.0.0', 'fe80::/10', '::1'])(
    'accepts TRUST_PROXY=%s, which Express accepts too',
    (value) => {
      const config = loadConfig({ TRUST_PROXY: value });
      expect(() => express().set('trust proxy', config.trustProxy)).not.toThrow();
    },
  );
});

describe('the entry point with a bad environment', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['--require', 'tsx/cjs', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });

  it.each<[string, string]>([
    ['PORT', 'not-a-port'],
    ['TRUST_PROXY', 'not-an-address'],
    ['CALLBACK_SECRET', 'short-SECRET'],
  ])('exits non-zero printing one line naming %s', (variable, value) => {
    const result = run({ [variable]: value });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^callhook: invalid configuration: ${variable}: `));
    if (/SECRET/.test(variable)) expect(lines[0]).not.toContain(value);
  });
});
