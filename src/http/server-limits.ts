import http from 'node:http';
import type { RequestListener } from 'node:http';
import type { HttpLimits } from '../config';

/**
 * An HTTP server that slow or idle clients cannot hold: headers must arrive
 * within headersTimeoutMs, the whole request within requestTimeoutMs (408,
 * then the connection is closed), an idle kept-alive connection is closed
 * after keepAliveTimeoutMs, and connections beyond maxConnections are
 * refused at once. Node's defaults (60 s, 300 s, no cap), checked only every
 * 30 s, let one client keep a socket for minutes.
 */
export function createLimitedServer(limits: HttpLimits, app: RequestListener): http.Server {
  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      // How often Node looks for requests over their timeouts: a fraction of the shortest, so they hold.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    app,
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  if (limits.maxConnections > 0) server.maxConnections = limits.maxConnections;
  return server;
}
