/** A Markdown table; the first row is the header. Numbers right-aligned by their column's marker. */
export function table(header: string[], rows: string[][], align?: Array<'l' | 'r'>): string {
  const marker = (i: number) => ((align?.[i] ?? (i === 0 ? 'l' : 'r')) === 'r' ? '---:' : ':---');
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => marker(i)).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export const BEGIN = '<!-- bench:results:begin (written by npm run bench; edit outside these markers) -->';
export const END = '<!-- bench:results:end -->';

/** The campaign-sizes bench's own block (`--only=campaign-sizes`), so that run leaves the main results as they are. */
export const SIZES_MARKERS = {
  begin: '<!-- bench:campaign-sizes:begin (written by npm run bench -- --only=campaign-sizes --doc; edit outside these markers) -->',
  end: '<!-- bench:campaign-sizes:end -->',
  heading: '## Campaign sizes: cost as work grows (issue #18)',
};

/**
 * Puts `results` between the markers of `doc`, keeping everything around them; appends the block
 * (under `markers.heading` when given) when the markers are missing.
 */
export function replaceResults(doc: string, results: string, markers: { begin: string; end: string; heading?: string } = { begin: BEGIN, end: END }): string {
  const block = `${markers.begin}\n${results.trim()}\n${markers.end}`;
  const start = doc.indexOf(markers.begin);
  const end = doc.indexOf(markers.end);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${markers.heading ? `${markers.heading}\n\n` : ''}${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + markers.end.length)}`;
}
