/** How long each audio file plays, in emulated ms; files not listed play for the default. */
export interface AudioCatalog {
  set(audioFileUri: string, durationMs: number): void;
  durationOf(audioFileUri: string): number;
  list(): Array<{ audioFileUri: string; durationMs: number }>;
  clear(): void;
}

const MAX_ENTRIES = 10_000;

export function createAudioCatalog(defaultMs: number): AudioCatalog {
  const durations = new Map<string, number>();
  return {
    set(uri, ms) {
      durations.delete(uri);
      durations.set(uri, ms);
      if (durations.size > MAX_ENTRIES) durations.delete(durations.keys().next().value as string);
    },
    durationOf: (uri) => durations.get(uri) ?? defaultMs,
    list: () => [...durations].map(([audioFileUri, durationMs]) => ({ audioFileUri, durationMs })),
    clear: () => durations.clear(),
  };
}
