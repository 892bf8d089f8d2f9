/**
 * A round of background work run every `pollMs` and on `wake()`, never two at
 * once (a wake during a round is served by the next poll). `stop` ends the
 * rounds and waits, at most a deadline, for the work they started.
 */
export function createPollLoop(options: {
  pollMs: number;
  round: () => Promise<void>;
  onError: (err: unknown) => void;
  /** The work started by earlier rounds and not finished. */
  inFlight: () => Iterable<Promise<unknown>>;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let ticking = false;

  async function tick(): Promise<void> {
    if (ticking || !running) return;
    ticking = true;
    try {
      await options.round();
    } catch (err) {
      options.onError(err);
    } finally {
      ticking = false;
    }
  }

  return {
    isRunning: () => running,
    start(): void {
      if (running) return;
      running = true;
      timer = setInterval(() => void tick(), options.pollMs);
      void tick();
    },
    wake: () => void tick(),
    async stop(deadlineMs: number): Promise<void> {
      running = false;
      clearInterval(timer);
      const timeout = new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref());
      await Promise.race([Promise.allSettled([...options.inFlight()]), timeout]);
    },
  };
}
