/** How long each audio file plays, in emulated ms; files not listed play for the default. */
export interface AudioCatalog {
  /** `fails`: the service cannot play it (GA answers the play with PlayFailed). */
  set(audioFileUri: string, durationMs: number, fails?: boolean): void;
  durationOf(audioFileUri: string): number;
  fails(audioFileUri: string): boolean;
  list(): Array<{ audioFileUri: string; durationMs: number; fails?: true }>;
  clear(): void;
}

const MAX_ENTRIES = 10_000;

export function createAudioCatalog(defaultMs: number): AudioCatalog {
  const durations = new Map<string, number>();
  const failing = new Set<string>();
  return {
    set(uri, ms, fails = false) {
      durations.delete(uri);
      durations.set(uri, ms);
      if (fails) failing.add(uri);
      else failing.delete(uri);
      if (durations.size > MAX_ENTRIES) {
        const oldest = durations.keys().next().value as string;
        durations.delete(oldest);
        failing.delete(oldest);
      }
    },
    durationOf: (uri) => durations.get(uri) ?? defaultMs,
    fails: (uri) => failing.has(uri),
    list: () => [...durations].map(([audioFileUri, durationMs]) => ({ audioFileUri, durationMs, ...(failing.has(audioFileUri) ? { fails: true as const } : {}) })),
    clear: () => {
      durations.clear();
      failing.clear();
    },
  };
}
