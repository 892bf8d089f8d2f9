/** Small number and time formats shared by the progress lines and the summary. */

export function formatDuration(ms: number): string {
  const s = Math.max(0, ms) / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function percent(part: number, whole: number): string {
  return `${whole === 0 ? '0.0' : ((part * 100) / whole).toFixed(1)}%`;
}

/** Outcomes, most frequent first, so the line and the table lead with what matters. */
export function sortedOutcomes(outcomes: Record<string, number>): Array<[string, number]> {
  return Object.entries(outcomes).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Time from creation to the end (or to now while it runs), the base of the calls-per-second figure. */
export function elapsedMs(view: { createdAt: string; finishedAt: string | null }, now: number): number {
  const end = view.finishedAt ? Date.parse(view.finishedAt) : now;
  return end - Date.parse(view.createdAt);
}
