import { stringify } from 'csv-stringify/sync';

// OWASP "CSV injection": a spreadsheet runs a cell starting with one of these
// as a formula (=HYPERLINK(…) exfiltrates, -2+3 computes). A leading ' makes
// it text. Phone numbers (+14255550123) get it too, which keeps them text
// instead of a number with the + and leading zeros lost.
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

export type Cell = string | number | null | undefined;

/** CSV lines (RFC 4180 quoting) for rows of cells, every cell made safe to open in a spreadsheet. */
export function csvLines(rows: Cell[][]): string {
  return stringify(rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : neutraliseFormula(String(cell))))));
}
