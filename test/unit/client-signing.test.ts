import { contentSha256, computeSignature, DATE_TOLERANCE_MS, signRequest, verifyRequest } from '../../src/client/signing';
import { referenceSign } from '../helpers/acs-hmac-reference';

const key = Buffer.from('a test key of thirty-two bytes!!').toString('base64');
const date = new Date('2024-05-06T07:08:09.123Z');

describe('signRequest matches the documented algorithm (independent reference)', () => {
  const cases: Array<[string, string, string, string]> = [
    ['POST with a JSON body', 'POST', 'https://acs.example.communication.azure.com/calling/calls?api-version=2021-06-15-preview', '{"targets":[{"phoneNumber":{"value":"+14255550123"}}]}'],
    ['a non-default port', 'POST', 'https://x.example:8443/calling/calls/leg-1/PlayAudio?api-version=v1', '{"loop":true}'],
    ['an explicit default port, which is not signed', 'POST', 'https://x.example:443/calling/calls?api-version=v1', '{}'],
    ['an encoded query and path', 'POST', 'https://x.example/calling/conversations/a%2Fb%3D%3D/join?api-version=2021%2006&x=%C3%BC%26y', '{"subject":"ü ✓"}'],
    ['an empty body', 'POST', 'https://x.example/calling/calls/leg-1/Hangup?api-version=v1', ''],
    ['a DELETE', 'DELETE', 'https://x.example/calling/calls/leg-1/participants/p%201?api-version=v1', ''],
    ['a lower-case method', 'delete', 'http://127.0.0.1:4010/calling/conversations/c/participants/p?api-version=v1', ''],
  ];

  it.each(cases)('%s', async (_name, method, url, body) => {
    const ours = signRequest({ method, url, body, accessKey: key, date });
    const reference = await referenceSign(method, url, body, key, date);
    expect(ours).toEqual({
      'x-ms-date': reference['x-ms-date'],
      'x-ms-content-sha256': reference['x-ms-content-sha256'],
      Authorization: reference.authorization,
    });
  });

  it('signs Buffer bodies like the same string', () => {
    const url = 'https://x.example/calling/calls?api-version=v1';
    const body = '{"subject":"ü"}';
    expect(signRequest({ method: 'POST', url, body: Buffer.from(body), accessKey: key, date })).toEqual(
      signRequest({ method: 'POST', url, body, accessKey: key, date }),
    );
  });
});

describe('published test vectors', () => {
  // Azure SDK for JS, sdk/communication/communication-common/test/public/communicationKeyCredentialPolicy.spec.ts
  // (github.com/Azure/azure-sdk-for-js, commit 0aed3eef2392d36ad24a936dee35741e295b6b8f): key "pw==",
  // clock mocked to 2022-04-13T18:09:12.451Z, a GET with no body.
  const jsSdkDate = new Date('2022-04-13T18:09:12.451Z');

  it.each([
    ['https://example.com/testPath?testQuery=test', 'DGdgwggJWnQyc6EHjR/Vbqg1ES64KpD6U2XwTDDj3tU='],
    ['https://example.com/testPath', '+6tWkg3lNKVjQHHmxkdGQcJjUgzclsWTMebnuCz1ngU='],
  ])('Azure SDK for JS: GET %s', (url, signature) => {
    expect(signRequest({ method: 'GET', url, body: '', accessKey: 'pw==', date: jsSdkDate })).toEqual({
      'x-ms-date': 'Wed, 13 Apr 2022 18:09:12 GMT',
      'x-ms-content-sha256': '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=',
      Authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    });
  });

  // Azure SDK for Java, sdk/communication/azure-communication-common/src/test/java/com/azure/communication/
  // common/implementation/HmacAuthenticationPolicyTests.java (github.com/Azure/azure-sdk-for-java, commit
  // 3a0c43f03dbff89b0fcd7a8a44cdd9807c59bf84, crossLanguage*HashMatchTest): body hashes.
  it.each([
    ['banana', 'tJPUg2Sv5E0RwBZc9HCkFk0eJgmRHvmYvoaNRq3j3k4='],
    ['😀', '8EQ6NCxe9UeDoRG1G6Vsk45HTDIyTZDDpgycjjo34tk='],
  ])('Azure SDK for Java: content hash of %s', (body, hash) => {
    expect(contentSha256(body)).toBe(hash);
  });

  // Azure SDK for Python, sdk/communication/azure-communication-rooms/tests/test_hmac.py
  // (github.com/Azure/azure-sdk-for-python, commit ec4ca03101e95902a2fb86418e6193715767cfa2,
  // test_correct_hmac and test_correct_utf16_hmac): HMAC with key "pw==".
  it.each([
    ['banana', '88EC05aAS9iXnaimtNO78JLjiPtfWryQB/5QYEzEsu8='],
    ['😀', '1rudJKjn2Zi+3hRrBG29wIF6pD6YyAeQR1ZcFtXoKAU='],
  ])('Azure SDK for Python: HMAC of %s', (message, signature) => {
    expect(computeSignature('pw==', message)).toBe(signature);
  });
});

describe('verifyRequest', () => {
  const url = 'http://127.0.0.1:4010/calling/calls/leg-1/PlayAudio?api-version=v1';
  const pathAndQuery = '/calling/calls/leg-1/PlayAudio?api-version=v1';
  const body = '{"audioFileUri":"https://a.example/x.wav","loop":false,"operationContext":"c"}';

  async function signed(overrides: { key?: string; at?: Date } = {}) {
    const h = await referenceSign('POST', url, body, overrides.key ?? key, overrides.at ?? date);
    return { 'x-ms-date': h['x-ms-date'], 'x-ms-content-sha256': h['x-ms-content-sha256'], authorization: h.authorization, host: '127.0.0.1:4010' };
  }
  const verify = (headers: Record<string, string | undefined>, options: { body?: string; now?: number; method?: string } = {}) =>
    verifyRequest({
      method: options.method ?? 'POST',
      pathAndQuery,
      headers,
      body: Buffer.from(options.body ?? body),
      accessKey: key,
      now: options.now ?? date.getTime(),
    });

  it('accepts a request signed by the reference implementation', async () => {
    expect(verify(await signed())).toBeNull();
  });

  it('accepts a date inside the 15 minute tolerance either way', async () => {
    const headers = await signed();
    expect(verify(headers, { now: date.getTime() + DATE_TOLERANCE_MS - 1000 })).toBeNull();
    expect(verify(headers, { now: date.getTime() - DATE_TOLERANCE_MS + 1000 })).toBeNull();
  });

  it('rejects a request signed with another key', async () => {
    expect(verify(await signed({ key: Buffer.from('another key').toString('base64') }))).toBe('signature_mismatch');
  });

  it('rejects a tampered body', async () => {
    expect(verify(await signed(), { body: body.replace('false', 'true') })).toBe('content_hash_mismatch');
  });

  it('rejects a body whose declared hash was replaced to match', async () => {
    const tampered = body.replace('false', 'true');
    const headers = { ...(await signed()), 'x-ms-content-sha256': contentSha256(tampered) };
    expect(verify(headers, { body: tampered })).toBe('signature_mismatch');
  });

  it('rejects another method or host than the one signed', async () => {
    expect(verify(await signed(), { method: 'DELETE' })).toBe('signature_mismatch');
    expect(verify({ ...(await signed()), host: '127.0.0.1:4011' })).toBe('signature_mismatch');
  });

  it('rejects a stale or future date beyond 15 minutes', async () => {
    const headers = await signed();
    expect(verify(headers, { now: date.getTime() + DATE_TOLERANCE_MS + 1000 })).toBe('stale_date');
    expect(verify(headers, { now: date.getTime() - DATE_TOLERANCE_MS - 1000 })).toBe('stale_date');
    expect(verify({ ...headers, 'x-ms-date': 'not a date' })).toBe('stale_date');
  });

  it.each(['x-ms-date', 'x-ms-content-sha256', 'authorization', 'host'])('rejects a request without %s', async (name) => {
    const headers: Record<string, string | undefined> = await signed();
    delete headers[name];
    expect(verify(headers)).toBe('missing_headers');
  });

  it('rejects an Authorization header of another scheme or signed-header list', async () => {
    const headers = await signed();
    const signature = headers.authorization.split('Signature=')[1];
    expect(verify({ ...headers, authorization: `Bearer ${signature}` })).toBe('malformed_authorization');
    expect(verify({ ...headers, authorization: `HMAC-SHA256 SignedHeaders=date;host;x-ms-content-sha256&Signature=${signature}` })).toBe(
      'malformed_authorization',
    );
  });
});
