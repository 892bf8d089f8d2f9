export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/**
 * A plain-text table: header, rule, rows, and optional footer rows under a
 * second rule. Plain ASCII so it survives CI logs, pipes and any terminal font.
 */
export function renderTable(columns: Column[], rows: string[][], footer: string[][] = []): string {
  const all = [columns.map((c) => c.header), ...rows, ...footer];
  const widths = columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    columns
      .map((c, i) => (c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]) : (cells[i] ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), rule, ...rows.map(line), ...(footer.length ? [rule, ...footer.map(line)] : [])].join('\n');
}
