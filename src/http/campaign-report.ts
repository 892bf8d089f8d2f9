import type { Response } from 'express';
import type { Store, TargetRecord } from '../store';
import { csvLines } from './csv-cells';
import { iso } from './views';

/** Rows per database page: small enough that one page never holds the event loop for long. */
export const REPORT_PAGE_SIZE = 250;

const FIXED_COLUMNS = ['row', 'to', 'status', 'attempts', 'outcome', 'firstDialledAt', 'lastDialledAt', 'finishedAt', 'durationMs', 'callId'] as const;

export function reportRow(t: TargetRecord) {
  return {
    row: t.rowNo,
    to: t.target,
    status: t.status,
    attempts: t.attempts,
    outcome: t.outcome,
    firstDialledAt: iso(t.firstDialledAt),
    lastDialledAt: iso(t.lastDialledAt),
    finishedAt: iso(t.finishedAt),
    durationMs: t.finishedAt !== null && t.firstDialledAt !== null ? t.finishedAt - t.firstDialledAt : null,
    callId: t.callId,
    fields: t.fields,
  };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A campaign's targets in row order, one keyset page at a time, giving the
 * event loop a turn between pages so other requests are served meanwhile.
 */
async function* targetPages(store: Store, campaignId: string, pageSize: number): AsyncGenerator<TargetRecord[]> {
  let after = -1;
  for (;;) {
    const page = await store.campaigns.targets(campaignId, { afterRowNo: after, limit: pageSize });
    if (page.length === 0) return;
    yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1].rowNo;
    await nextTurn();
  }
}

/** Writes with backpressure; false once the client has gone, so the caller stops reading the database. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (res.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
  return !res.destroyed;
}

export interface ReportOptions {
  pageSize?: number;
}

/** `{"campaign": …, "targets": [ … ]}`, streamed page by page. */
export async function streamReportJson(res: Response, store: Store, campaignId: string, campaignView: unknown, options: ReportOptions = {}): Promise<void> {
  const pages = targetPages(store, campaignId, options.pageSize ?? REPORT_PAGE_SIZE);
  // The first page is read before anything is sent, so a database that is away still gets a proper error answer.
  let page = await pages.next();
  res.type('application/json');
  if (!(await write(res, `{"campaign":${JSON.stringify(campaignView)},"targets":[`))) return;
  for (let first = true; !page.done; first = false, page = await pages.next()) {
    const chunk = page.value.map((t) => JSON.stringify(reportRow(t))).join(',');
    if (!(await write(res, first ? chunk : `,${chunk}`))) return;
  }
  res.end(']}');
}

/**
 * The report as CSV: the fixed columns, then every extra target field in
 * name order. A first pass over the pages collects the field names, so the
 * header is right without holding all rows in memory.
 */
export async function streamReportCsv(res: Response, store: Store, campaignId: string, options: ReportOptions = {}): Promise<void> {
  const pageSize = options.pageSize ?? REPORT_PAGE_SIZE;
  const names = new Set<string>();
  for await (const page of targetPages(store, campaignId, pageSize)) for (const t of page) for (const name of Object.keys(t.fields)) names.add(name);
  const fieldNames = [...names].sort();
  res.type('text/csv').attachment(`campaign-${campaignId}.csv`);
  if (!(await write(res, csvLines([[...FIXED_COLUMNS, ...fieldNames]])))) return;
  for await (const page of targetPages(store, campaignId, pageSize)) {
    const rows = page.map((t) => {
      const { fields, ...row } = reportRow(t);
      return [...FIXED_COLUMNS.map((c) => row[c]), ...fieldNames.map((name) => fields[name])];
    });
    if (!(await write(res, csvLines(rows)))) return;
  }
  res.end();
}
