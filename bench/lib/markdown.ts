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

/** Puts `results` between the markers of `doc`, keeping everything around them; appends the block when the markers are missing. */
export function replaceResults(doc: string, results: string): string {
  const block = `${BEGIN}\n${results.trim()}\n${END}`;
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start === -1 || end === -1 || end < start) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, start)}${block}${doc.slice(end + END.length)}`;
}
