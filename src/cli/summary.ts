import { elapsedMs, formatDuration, percent, sortedOutcomes } from './format';
import { renderTable } from './table';
import { CampaignView, isSettled } from './types';

/**
 * The campaign as a table of outcomes (count and share of all targets) and its
 * totals. Targets not yet settled appear as their own rows, so the counts
 * always add up to the total. Calls per second is dial attempts over the time
 * from creation to the end, retries included.
 */
export function renderSummary(view: CampaignView, now: number): string {
  const { progress } = view;
  const row = (label: string, count: number) => [label, String(count), percent(count, progress.total)];
  const rows = sortedOutcomes(view.outcomes).map(([outcome, count]) => row(outcome, count));
  if (progress.cancelled > 0) rows.push(row('cancelled (not called)', progress.cancelled));
  if (progress.dialling > 0) rows.push(row('(in progress)', progress.dialling));
  if (progress.pending > 0) rows.push(row('(pending)', progress.pending));
  const table = renderTable(
    [{ header: 'Outcome' }, { header: 'Count', align: 'right' }, { header: 'Percent', align: 'right' }],
    rows,
    [row('Total', progress.total)],
  );
  const elapsed = elapsedMs(view, now);
  const perTarget = progress.total ? (progress.attempts / progress.total).toFixed(2) : '0.00';
  const cps = elapsed > 0 ? (progress.attempts / (elapsed / 1000)).toFixed(2) : '0.00';
  const state = isSettled(view) ? view.status : `${view.status}, ${progress.percent}% settled${view.waiting ? `, ${view.waiting.message}` : ''}`;
  return [
    `Campaign "${view.name}" (${view.id}): ${state}`,
    '',
    table,
    '',
    `Attempts          ${progress.attempts} (${perTarget} per target)`,
    `Duration          ${formatDuration(elapsed)}${view.finishedAt ? '' : ' so far'}`,
    `Calls per second  ${cps}`,
  ].join('\n');
}
