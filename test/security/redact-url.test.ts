import { redactUrl } from '../../src/logger';

describe('redactUrl', () => {
  it.each([
    ['/api/callbacks/c?token=T', '/api/callbacks/c?token=[Redacted]'],
    ['/api/callbacks/c?extra=1&token=T&more=2', '/api/callbacks/c?extra=1&token=[Redacted]&more=2'],
    ['/api/callbacks/c?token=T&token=U', '/api/callbacks/c?token=[Redacted]&token=[Redacted]'],
    ['/api/callbacks/c?TOKEN=T', '/api/callbacks/c?TOKEN=[Redacted]'],
    // Regressions: names the server decodes to `token`, or that still carry a token, were logged in clear.
    ['/api/callbacks/c?%74oken=T', '/api/callbacks/c?%74oken=[Redacted]'],
    ['/api/callbacks/c?tok%65n=T', '/api/callbacks/c?tok%65n=[Redacted]'],
    ['/api/callbacks/c?token[]=T', '/api/callbacks/c?token[]=[Redacted]'],
    ['/api/callbacks/c?token%5B0%5D=T', '/api/callbacks/c?token%5B0%5D=[Redacted]'],
    ['/api/callbacks/c?x=1?token=T', '/api/callbacks/c?x=1?token=[Redacted]'],
    ['accesskey=K;endpoint=https://x.example/', 'accesskey=[Redacted];endpoint=https://x.example/'],
    ['endpoint=https://x.example/;accesskey=K', 'endpoint=https://x.example/;accesskey=[Redacted]'],
    ['https://x.example/p?a=1&signature=S#frag', 'https://x.example/p?a=1&signature=[Redacted]#frag'],
    ['refused http://h/api/callbacks/1?token=T as invalid', 'refused http://h/api/callbacks/1?token=[Redacted] as invalid'],
    // Regressions: common secret names were logged in clear.
    ...['apiKey', 'api_key', 'API-KEY', 'access_token', 'accessToken', 'key', 'password', 'secret', 'client_secret', 'sig', 'code', 'subscription-key', 'key[0]'].map(
      (name): [string, string] => [`/api/calls?limit=5&${name}=S3cret&x=1`, `/api/calls?limit=5&${name}=[Redacted]&x=1`],
    ),
  ])('redacts %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it.each(['/api/calls?state=terminated&limit=5', '/api/calls?tokens=1&tokenish=2', '/api/calls?keys=1&monkey=2&passwordless=3', '/a?x=%E0%A4%A&y=2', '/api/callbacks/token-holder'])('leaves %s alone', (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});
