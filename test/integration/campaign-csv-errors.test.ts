import { startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/a.wav';

describe('CSV campaign uploads name what the user sent', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite', { DISPATCH_CONCURRENCY: '0' });
  });
  afterAll(async () => t?.stop());

  const upload = (csv: string, query = `name=x&audioFileUri=${encodeURIComponent(AUDIO)}`) =>
    t.api().post(`/api/campaigns?${query}`).set('Content-Type', 'text/csv').send(csv);

  it('says there is no `to` column and lists the columns it found', async () => {
    const res = await upload('phone,name\n+14255550100,Ann\n').expect(400);
    expect(res.body.error.message).toBe('targetsCsv: no `to` column (found: phone, name); the first line must name the columns, one of them `to`');
    expect(res.body.error.details[0]).toMatchObject({ field: 'targetsCsv', found: ['phone', 'name'] });
  });

  it('reads a `;`-separated file and a `To` header as the same targets a comma file gives', async () => {
    const res = await upload('To;region;WaitSeconds\n+14255550101;north;5\n+14255550102;south;\n').expect(201);
    const report = await t.api().get(`/api/campaigns/${res.body.id}/report`).expect(200);
    const rows = report.body.targets.map((r: { row: number; to: string; fields: Record<string, string> }) => [r.row, r.to, r.fields]);
    expect(rows).toEqual([
      [1, '4:+14255550101', { region: 'north', waitSeconds: '5' }],
      [2, '4:+14255550102', { region: 'south' }],
    ]);
  });

  it('numbers a bad row as the report numbers data rows, and gives the file line too', async () => {
    const bad = await upload('to,note\n+14255550103,"two\nlines"\n+1425555x,ok\n').expect(400);
    expect(bad.body.error.message).toMatch(/^targetsCsv row 2 \(line 4\)\.to: /);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'targetsCsv row 2 (line 4).to', row: 2, line: 4 });
    const dup = await upload('to\n+14255550104\n4:+14255550104\n').expect(400);
    expect(dup.body.error.message).toBe('targetsCsv row 2 (line 3).to: 4:+14255550104 is already targetsCsv row 1 (line 2)');
  });

  it('reports the settings of a CSV upload as the query parameters they came in', async () => {
    const wait = await upload('to\n+14255550105\n', `name=x&audioFileUri=${encodeURIComponent(AUDIO)}&waitSeconds=0`).expect(400);
    expect(wait.body.error.details[0].field).toBe('query.waitSeconds');
    const retry = await upload('to\n+14255550106\n', `name=x&audioFileUri=${encodeURIComponent(AUDIO)}&retryAttempts=99`).expect(400);
    expect(retry.body.error.message).toMatch(/^query\.retryAttempts: /);
    const noName = await upload('to\n+14255550107\n', `audioFileUri=${encodeURIComponent(AUDIO)}`).expect(400);
    expect(noName.body.error.details[0].field).toBe('query.name');
    // A JSON campaign still names body fields.
    const json = await t.api().post('/api/campaigns').send({ name: 'x', audioFileUri: AUDIO, retry: { attempts: 99 }, targets: [{ to: '+14255550108' }] }).expect(400);
    expect(json.body.error.details[0].field).toBe('body.retry.attempts');
  });
});
