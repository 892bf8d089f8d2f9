import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GaPost {
  path: string;
  authorization: string | undefined;
  /** The body as sent, for the SDK's parser. */
  text: string;
}

export interface GaReceiver {
  baseUrl: string;
  posts: GaPost[];
  /** CloudEvents from every POST to `path`, in arrival order, each with the POST's Authorization. */
  events(path: string): Array<{ event: Record<string, any>; authorization: string | undefined; text: string }>;
  close(): Promise<void>;
}

/** Stands in for a GA application's callback endpoint: keeps each POST's Authorization header and raw body. */
export async function startGaReceiver(): Promise<GaReceiver> {
  const posts: GaPost[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ path: req.url ?? '/', authorization: req.headers.authorization, text: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    posts,
    events: (path) =>
      posts
        .filter((p) => p.path === path)
        .flatMap((p) => (JSON.parse(p.text) as Array<Record<string, any>>).map((event) => ({ event, authorization: p.authorization, text: JSON.stringify(event) }))),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
