import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { TEST_API_KEY, TEST_SECRET } from './tokens';

const ROOT = path.join(__dirname, '..', '..');

/** A port nobody listens on now, so a restarted process can take the same one (callbackUris name it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Every line the process wrote to stdout and stderr. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real entry point (src/server.ts) in a process of its own, as `npm start` runs it. */
export async function startServiceProcess(env: Record<string, string>, port?: number): Promise<ServiceProcess> {
  const listenPort = port ?? (await freePort());
  // --import tsx, not --require tsx/cjs: the CJS hook alone leaves the GA generation's dynamic
  // import() of its client (src/server.ts) to Node's ESM loader, which finds no extensionless .ts file.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      PORT: String(listenPort),
      // An emulator on a loopback connection string no longer implies the development defaults.
      CALLHOOK_DEV: '1',
      CALLBACK_SECRET: TEST_SECRET,
      API_KEY: TEST_API_KEY,
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '5000',
      // Tests poll calls and campaigns many times a second; the rate limit has a test of its own (http-security).
      RATE_LIMIT_PER_MINUTE: '100000',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  let listening: () => void;
  const ready = new Promise<void>((resolve) => (listening = resolve));
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (line.includes('"callhook listening"')) listening();
      }
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const started = await Promise.race([ready.then(() => true), exited.then(() => false)]);
  if (!started) throw new Error(`service process exited before listening:\n${output.join('\n')}`);
  return {
    url: `http://127.0.0.1:${listenPort}`,
    child,
    output,
    exited,
    kill: (signal) => {
      child.kill(signal);
      return exited;
    },
  };
}
