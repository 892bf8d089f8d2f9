import { percent } from './format';
import { renderTable } from './table';
import type { FunnelView } from './types';

/** Whether any call of the campaign went through a flow node: a reminder campaign has no funnel to show. */
export const hasFunnel = (funnel: FunnelView | undefined): funnel is FunnelView =>
  funnel !== undefined && funnel.nodes.some((n) => n.reached + n.noInput + n.invalid + n.hungUp + Object.keys(n.keys).length > 0);

/** The keys a gather node took, most pressed first: "1: 30, 2: 12". */
function keysCell(keys: Record<string, number>): string {
  const entries = Object.entries(keys).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length ? entries.map(([digits, count]) => `${digits}: ${count}`).join(', ') : '-';
}

/**
 * One row per flow node, in the flow's order when the service knows it: calls
 * that reached it (and their share of all the campaign's calls), the keys
 * pressed there, timeouts, invalid input and hang-ups, each in distinct calls.
 */
export function renderFunnel(funnel: FunnelView): string {
  const flow = funnel.flow ? `flow "${funnel.flow.name}" v${funnel.flow.version}, ` : '';
  const table = renderTable(
    [
      { header: 'Node' },
      { header: 'Reached', align: 'right' },
      { header: 'Of calls', align: 'right' },
      { header: 'Keys' },
      { header: 'No input', align: 'right' },
      { header: 'Invalid', align: 'right' },
      { header: 'Hung up', align: 'right' },
    ],
    funnel.nodes.map((n) => [n.node, String(n.reached), percent(n.reached, funnel.calls), keysCell(n.keys), String(n.noInput), String(n.invalid), String(n.hungUp)]),
  );
  return [`Funnel (${flow}${funnel.calls} calls)`, '', table].join('\n');
}
