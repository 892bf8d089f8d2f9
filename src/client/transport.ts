import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosInstance } from 'axios';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { CallAutomationError, CallAutomationErrorInit } from './errors';
import { RequestRecorder, recordSafely } from './recorder';
import { errorDetails, normalizeHeaders, parseBody, ParsedBody } from './response';
import { AttemptFailure, isRetriableFailure, nextRetryDelay, RetryOptions } from './retry';
import { signRequest } from './signing';
import type { Operation } from './types';

export interface TransportDeps {
  /** Origin plus optional base path, without a trailing slash. */
  endpoint: string;
  accessKey: string;
  apiVersion: string;
  clock: Clock;
  logger: Logger;
  retry: RetryOptions;
  timeoutMs: number;
  random: () => number;
  recorder?: RequestRecorder;
}

export interface RequestSpec {
  operation: Operation;
  method: 'POST' | 'DELETE';
  /** Path below the endpoint, path parameters already encoded. */
  path: string;
  /** Serialized once; undefined sends an empty body. */
  body?: unknown;
}

export interface RequestOptions {
  /** Our own call id, for logs and the timeline. */
  callId?: string;
  /**
   * Repeatability-Request-ID. Pass one derived from the call and the step
   * (see deterministicUuid) so a re-run after a crash is applied once.
   */
  requestId?: string;
  signal?: AbortSignal;
}

/** Turns a 2xx body into the operation's result, or says why it cannot. */
export type Decoder<T> = (body: ParsedBody) => { ok: true; value: T } | { ok: false; message: string };

export interface Transport {
  send<T>(spec: RequestSpec, options: RequestOptions, decode: Decoder<T>): Promise<T>;
  close(): void;
}

type AttemptResult =
  | { kind: 'response'; status: number; headers: Record<string, string | undefined>; raw: string }
  | { kind: 'network'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'aborted' };

const MAX_RESPONSE_BYTES = 1024 * 1024;

export function createTransport(deps: TransportDeps): Transport {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const client = axios.create({
    httpAgent,
    httpsAgent,
    timeout: deps.timeoutMs,
    // A redirect would be followed unsigned; the service never redirects.
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    responseType: 'text',
    // The exact bytes signed are the bytes sent, and the body is parsed by us.
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: false },
  });

  return {
    send: (spec, options, decode) => send(deps, client, spec, options, decode),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

async function send<T>(
  deps: TransportDeps,
  client: AxiosInstance,
  spec: RequestSpec,
  options: RequestOptions,
  decode: Decoder<T>,
): Promise<T> {
  const { clock } = deps;
  const log = deps.logger.child({ component: 'call-automation', operation: spec.operation, callId: options.callId });
  const requestId = options.requestId ?? randomUUID();
  const clientRequestId = randomUUID();
  const url = `${deps.endpoint}${spec.path}?api-version=${encodeURIComponent(deps.apiVersion)}`;
  const payload = spec.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(spec.body), 'utf8');
  const startedAt = clock.now();
  let attempt = 0;
  const constant = {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'User-Agent': 'callhook',
    'x-ms-client-request-id': clientRequestId,
    'Repeatability-Request-ID': requestId,
    // Fixed at the first attempt: the service deduplicates on the pair.
    'Repeatability-First-Sent': new Date(startedAt).toUTCString(),
  };

  const finish = async (outcome: { ok: true; value: T; status: number } | { ok: false; error: CallAutomationError }) => {
    await recordSafely(
      deps.recorder,
      {
        callId: options.callId,
        operation: spec.operation,
        method: spec.method,
        path: spec.path,
        requestId,
        status: outcome.ok ? outcome.status : outcome.error.upstreamStatus,
        ok: outcome.ok,
        errorCode: outcome.ok ? undefined : outcome.error.upstreamCode,
        errorMessage: outcome.ok ? undefined : outcome.error.message,
        attempts: outcome.ok ? attempt : outcome.error.attempts,
        latencyMs: Math.max(0, clock.now() - startedAt),
        startedAt: new Date(startedAt).toISOString(),
        response: outcome.ok ? outcome.value : undefined,
      },
      log,
    );
    if (!outcome.ok) {
      const e = outcome.error;
      log.warn({ requestId, upstreamStatus: e.upstreamStatus, upstreamCode: e.upstreamCode, attempts: e.attempts }, 'call automation request failed');
      throw e;
    }
    return outcome.value;
  };
  const fail = (init: Omit<CallAutomationErrorInit, 'operation' | 'attempts'>) =>
    finish({ ok: false, error: new CallAutomationError({ ...init, operation: spec.operation, attempts: attempt }) });

  for (;;) {
    if (options.signal?.aborted) return fail(aborted(clientRequestId));
    attempt += 1;
    const attemptStart = clock.now();
    const signed = signRequest({ method: spec.method, url, body: payload, accessKey: deps.accessKey, date: new Date(attemptStart) });
    const result = await attemptOnce(client, { method: spec.method, url, payload, headers: { ...constant, ...signed }, signal: options.signal });
    log.debug(
      { attempt, method: spec.method, path: spec.path, requestId, clientRequestId, outcome: result.kind, status: result.kind === 'response' ? result.status : undefined },
      'call automation attempt',
    );

    if (result.kind === 'aborted') return fail(aborted(clientRequestId));
    if (result.kind === 'response' && result.status >= 200 && result.status < 300) {
      const decoded = decode(parseBody(result.raw));
      if (decoded.ok) return finish({ ok: true, value: decoded.value, status: result.status });
      return fail({
        upstreamStatus: result.status,
        upstreamCode: 'invalid_response',
        message: `${spec.operation} succeeded with an unusable body: ${decoded.message}`,
        requestId: result.headers['x-ms-request-id'] ?? clientRequestId,
        retriable: false,
      });
    }

    const failure = toFailure(result);
    const delay = nextRetryDelay({ failure, attempt, options: deps.retry, now: clock.now(), random: deps.random });
    if (delay === undefined) return fail(describeFailure(spec.operation, result, clientRequestId, isRetriableFailure(failure)));
    log.debug({ attempt, delayMs: delay, requestId }, 'retrying call automation request');
    try {
      await clock.sleep(delay, options.signal);
    } catch {
      return fail(aborted(clientRequestId));
    }
  }
}

async function attemptOnce(
  client: AxiosInstance,
  req: { method: string; url: string; payload: Buffer; headers: Record<string, string>; signal?: AbortSignal },
): Promise<AttemptResult> {
  try {
    const res = await client.request<string>({ method: req.method, url: req.url, data: req.payload, headers: req.headers, signal: req.signal });
    const raw = typeof res.data === 'string' ? res.data : '';
    return { kind: 'response', status: res.status, headers: normalizeHeaders(res.headers as Record<string, unknown>), raw };
  } catch (err) {
    if (req.signal?.aborted || axios.isCancel(err)) return { kind: 'aborted' };
    if (!axios.isAxiosError(err)) throw err;
    if (err.code === 'ETIMEDOUT' || err.code === 'ECONNABORTED') return { kind: 'timeout', message: err.message };
    return { kind: 'network', message: err.code ? `${err.code}: ${err.message}` : err.message };
  }
}

function toFailure(result: Exclude<AttemptResult, { kind: 'aborted' }>): AttemptFailure {
  if (result.kind === 'response') return { kind: 'status', status: result.status, headers: result.headers };
  return { kind: result.kind };
}

function describeFailure(
  operation: Operation,
  result: Exclude<AttemptResult, { kind: 'aborted' }>,
  clientRequestId: string,
  retriable: boolean,
): Omit<CallAutomationErrorInit, 'operation' | 'attempts'> {
  if (result.kind === 'response') {
    const details = errorDetails(parseBody(result.raw));
    return {
      upstreamStatus: result.status,
      upstreamCode: details.code ?? `http_${result.status}`,
      message: details.message ?? `Call Automation answered HTTP ${result.status} to ${operation}`,
      requestId: result.headers['x-ms-request-id'] ?? clientRequestId,
      retriable,
    };
  }
  return {
    upstreamStatus: undefined,
    upstreamCode: result.kind === 'timeout' ? 'timeout' : 'network_error',
    message: `${operation} got no response from Call Automation (${result.message})`,
    requestId: clientRequestId,
    retriable,
  };
}

function aborted(clientRequestId: string): Omit<CallAutomationErrorInit, 'operation' | 'attempts'> {
  return { upstreamStatus: undefined, upstreamCode: 'aborted', message: 'request aborted by the caller', requestId: clientRequestId, retriable: false };
}
