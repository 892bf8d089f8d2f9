import { DATABASE_KINDS } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';
import { startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

describe.each(DATABASE_KINDS)('group-committed ingest (%s)', (kind) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, { DISPATCH_CONCURRENCY: '0' });
    await t.service.store.calls.insert({ id: 'group-call', kind: 'call', flow: 'reminder', settings: {}, state: 'establishing' });
    // A real database refusal for one event id, the kind no schema check foresees.
    if (kind === 'sqlite') {
      await t.service.store.db.run(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox WHEN NEW.dedupe_key = 'id:poison' BEGIN SELECT RAISE(ABORT, 'refused'); END",
      );
    } else {
      await t.service.store.db.run("ALTER TABLE inbox ADD CONSTRAINT refuse_poison CHECK (dedupe_key <> 'id:poison')");
    }
  });
  afterAll(() => t.stop());

  const post = (id: string) =>
    fetch(`${t.service.url}${callbackPath('group-call')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...fixture('call-state-established'), id }),
    });

  // Bodies share a commit when they arrive while one is under way: on Postgres, whose commits wait on
  // the network, 40 at once always do; SQLite commits synchronously, so there each body is its own group.
  it('commits the bodies sharing a transaction with one the database refuses', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => (i === 20 ? 'poison' : `event-${i}`));
    const answers = await Promise.all(ids.map(post));
    expect(answers.map((a) => a.status)).toEqual(ids.map((id) => (id === 'poison' ? 500 : 200)));
    expect(await answers[20].json()).toEqual({ error: { code: 'internal_error', message: 'internal error', details: null } });
    const stored = await t.service.store.inbox.list('group-call');
    expect(stored).toHaveLength(39);
  });
});
