import { ConnectionStringError, formatConnectionString, parseConnectionString } from '../../src/client/connection-string';

const key = Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');

describe('parseConnectionString', () => {
  it('reads endpoint and access key', () => {
    expect(parseConnectionString(`endpoint=https://contoso.communication.azure.com/;accesskey=${key}`)).toEqual({
      endpoint: 'https://contoso.communication.azure.com',
      accessKey: key,
    });
  });

  it('takes keys in any case and order, with spaces and a trailing semicolon', () => {
    expect(parseConnectionString(` AccessKey=${key} ; Endpoint=http://127.0.0.1:4010 ;`)).toEqual({
      endpoint: 'http://127.0.0.1:4010',
      accessKey: key,
    });
  });

  it('keeps a base path without its trailing slash, and the key padding', () => {
    expect(parseConnectionString('endpoint=https://proxy.example/acs//;accesskey=cHc=')).toEqual({
      endpoint: 'https://proxy.example/acs',
      accessKey: 'cHc=',
    });
  });

  it('round-trips through formatConnectionString', () => {
    const connection = { endpoint: 'https://x.example:8443/base', accessKey: key };
    expect(parseConnectionString(formatConnectionString(connection))).toEqual(connection);
  });

  it.each([
    ['', /missing endpoint/],
    [`accesskey=${key}`, /missing endpoint/],
    ['endpoint=https://x.example/', /missing accesskey/],
    [`endpoint=;accesskey=${key}`, /missing endpoint/],
    [`endpoint=not a url;accesskey=${key}`, /endpoint is not a URL/],
    [`endpoint=ftp://x.example;accesskey=${key}`, /endpoint must be an http\(s\) URL/],
    ['endpoint=https://x.example;accesskey=not base64!', /accesskey is not base64/],
    [`endpoint=https://x.example;=${key}`, /segment 2 is not key=value/],
  ])('rejects %j with a clear message', (value, message) => {
    expect(() => parseConnectionString(value)).toThrow(ConnectionStringError);
    expect(() => parseConnectionString(value)).toThrow(message);
  });

  it('does not echo a mangled segment, which is often the key itself', () => {
    const unpadded = Buffer.from('0123456789abcdef0123456789abcdef!').toString('base64');
    let message = '';
    try {
      parseConnectionString(`endpoint=https://x.example;accesskey:${unpadded}`);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('segment 2 is not key=value');
    expect(message).not.toContain(unpadded.slice(0, 8));
  });
});
