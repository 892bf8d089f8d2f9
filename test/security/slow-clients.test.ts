import net from 'node:net';
import { startTestService, TestService } from '../helpers/service';

/** A raw connection to the service: what it received, and whether the server has closed it. */
function connect(url: string) {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return {
    socket,
    closed,
    received: () => received,
    isClosed: () => isClosed,
    connected: new Promise<void>((resolve) => socket.once('connect', () => resolve())),
  };
}

/** Writes `bytes` one at a time, `gapMs` apart, until the server closes the socket or they run out. */
async function dribble(conn: ReturnType<typeof connect>, bytes: string, gapMs: number): Promise<void> {
  for (const byte of bytes) {
    if (conn.isClosed()) return;
    conn.socket.write(byte);
    await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
}

// A limit is shown to hold when the server closes the socket long before the client would have finished:
// the dribbles below last a minute or more, the limits are a second or two, and each test ends at close.
describe('slow and idle clients', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite', { HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '2000', KEEP_ALIVE_TIMEOUT_MS: '500' });
  });
  afterAll(() => t.stop());

  it('closes a connection whose headers arrive a byte at a time (slowloris), with a 408 in the error shape', async () => {
    const conn = connect(t.service.url);
    await conn.connected;
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    void dribble(conn, `X-Slow: ${'a'.repeat(300)}\r\n\r\n`, 200);
    await conn.closed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(conn.received()).toContain('"code":"request_timeout"');
  }, 20_000);

  it('answers 401 to an unauthenticated callback before its slow body, and closes the connection instead of reading the rest', async () => {
    const conn = connect(t.service.url);
    await conn.connected;
    conn.socket.write('POST /api/callbacks/some-call?token=wrong HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n[');
    void dribble(conn, ' '.repeat(5000), 50);
    await conn.closed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 401 /);
    expect(conn.received()).toMatch(/\r\nConnection: close\r\n/i);
    expect(conn.received()).toContain('"code":"invalid_callback_token"');
  }, 20_000);

  it('closes a slow body on an authenticated route once the request timeout passes', async () => {
    const conn = connect(t.service.url);
    await conn.connected;
    conn.socket.write(`POST /api/calls HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${t.config.apiKeys[0]}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
    void dribble(conn, ' '.repeat(5000), 50);
    await conn.closed;
    expect(conn.received()).not.toMatch(/^HTTP\/1\.1 2/);
  }, 20_000);

  it('closes an idle kept-alive connection after the keep-alive timeout', async () => {
    const conn = connect(t.service.url);
    await conn.connected;
    conn.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    await conn.closed;
    expect(conn.received()).toMatch(/^HTTP\/1\.1 200 /);
  }, 20_000);
});

describe('the connection cap', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite', { MAX_CONNECTIONS: '3' });
  });
  afterAll(() => t.stop());

  it('refuses connections over MAX_CONNECTIONS and serves again once one is freed', async () => {
    const held = [connect(t.service.url), connect(t.service.url), connect(t.service.url)];
    for (const c of held) {
      await c.connected;
      c.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    }
    // Make sure the server has accepted all three before the fourth arrives.
    held[2].socket.write('\r\n');
    await new Promise<void>((resolve) => held[2].socket.once('data', () => resolve()));

    const over = connect(t.service.url);
    over.socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await over.closed;
    expect(over.received()).toBe('');

    held[0].socket.destroy();
    await held[0].closed;
    // The server notices the freed slot when it sees the close; retry a few times for that.
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await fetch(`${t.service.url}/healthz`, { headers: { connection: 'close' } }).then((r) => r.status, () => 0);
    }
    expect(status).toBe(200);
    for (const c of held) c.socket.destroy();
  }, 20_000);
});
