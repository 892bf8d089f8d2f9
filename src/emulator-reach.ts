import type { Logger } from './logger';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;
const PROBE_TIMEOUT_MS = 2000;

/**
 * The emulator runs on this machine and delivers every event to PUBLIC_BASE_URL:
 * set to the production address (a sourced .env.example did that), calls sit in
 * establishing with nothing in the logs. A loopback address is probed; any
 * other is only warned about, since probing it would leave this machine.
 */
export async function checkEmulatorCanReach(publicBaseUrl: string, logger: Logger): Promise<void> {
  const url = new URL(publicBaseUrl);
  const hint = 'unset PUBLIC_BASE_URL to use this process\'s own address, or set it to one the emulator reaches';
  if (!LOOPBACK.test(url.hostname)) {
    logger.warn(
      { publicBaseUrl },
      `PUBLIC_BASE_URL is not a local address, but the emulator on this machine delivers every event there: unless it routes back to this process, calls will sit in establishing (${hint})`,
    );
    return;
  }
  try {
    const res = await fetch(`${publicBaseUrl}/healthz`, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    const body = (await res.json().catch(() => undefined)) as { status?: unknown } | undefined;
    if (res.ok && body?.status === 'ok') return;
    logger.warn({ publicBaseUrl, status: res.status }, `PUBLIC_BASE_URL answers, but not as callhook's /healthz: the emulator's events will not reach this process (${hint})`);
  } catch (err) {
    logger.warn({ publicBaseUrl, err: (err as Error).message }, `the emulator cannot reach PUBLIC_BASE_URL: calls will sit in establishing (${hint})`);
  }
}
