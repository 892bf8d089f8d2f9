/**
 * One circuit per endpoint, in this instance: after `threshold` failures in a
 * row the endpoint gets no attempts for `openMs`, then one probe; a success
 * closes it. A dead endpoint then costs a row update per cool-down instead of
 * a timeout per event, and never holds the slots other endpoints need.
 */
export function createCircuits(options: { threshold: number; openMs: number; now: () => number }) {
  const state = new Map<string, { failures: number; openUntil: number }>();
  return {
    /** When the endpoint may be tried again, or 0 when it may be tried now. */
    blockedUntil(endpoint: string): number {
      const s = state.get(endpoint);
      return s && s.openUntil > options.now() ? s.openUntil : 0;
    },
    success(endpoint: string): void {
      state.delete(endpoint);
    },
    failure(endpoint: string): void {
      const s = state.get(endpoint) ?? { failures: 0, openUntil: 0 };
      s.failures += 1;
      if (s.failures >= options.threshold) s.openUntil = options.now() + options.openMs;
      state.set(endpoint, s);
    },
    open(): string[] {
      const now = options.now();
      return [...state.entries()].filter(([, s]) => s.openUntil > now).map(([endpoint]) => endpoint);
    },
  };
}
