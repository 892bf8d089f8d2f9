import { AppError } from '../../src/errors';
import { FlowDocument, flowDocumentSchema } from '../../src/flows/document';
import { openStore, Store } from '../../src/store';
import { DATABASE_KINDS, freshDatabase, TestDatabase } from '../helpers/databases';

const doc = (outcome: string): FlowDocument => flowDocumentSchema.parse({ start: 'bye', nodes: { bye: { type: 'hangup', outcome } } });

const appError = async (promise: Promise<unknown>) => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  const { code, status, message } = err as AppError;
  return { code, status, message };
};

describe.each(DATABASE_KINDS)('flows repository on %s', (kind) => {
  let database: TestDatabase;
  let store: Store;

  beforeEach(async () => {
    database = await freshDatabase(kind);
    store = await openStore(database.config);
  });
  afterEach(async () => {
    await store.close();
    await database.drop();
  });

  it('creates version 1 and refuses a second flow of the same name', async () => {
    expect(await store.flows.create('reminder-v2', doc('one'), 1_000)).toEqual({ name: 'reminder-v2', version: 1, document: doc('one'), createdAt: 1_000 });
    expect(await appError(store.flows.create('reminder-v2', doc('two'), 2_000))).toEqual({
      code: 'flow_exists',
      status: 409,
      message: 'a flow named "reminder-v2" already exists; PUT /api/flows/reminder-v2 stores a new version of it',
    });
    expect(await store.flows.get('reminder-v2')).toMatchObject({ version: 1, document: doc('one') });
  });

  it('lets one of several creates of one name win', async () => {
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => store.flows.create('race', doc(`o${i}`), i)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await store.flows.versions('race')).toHaveLength(1);
  });

  it('adds versions in order and reads the latest or any one', async () => {
    await store.flows.create('menu', doc('one'), 1_000);
    expect(await store.flows.addVersion('menu', doc('two'), 2_000)).toEqual({ name: 'menu', version: 2, document: doc('two'), createdAt: 2_000 });
    await store.flows.addVersion('menu', doc('three'), 3_000);
    expect(await store.flows.get('menu')).toEqual({ name: 'menu', version: 3, document: doc('three'), createdAt: 3_000 });
    expect(await store.flows.get('menu', 2)).toEqual({ name: 'menu', version: 2, document: doc('two'), createdAt: 2_000 });
    expect(await store.flows.get('menu', 4)).toBeUndefined();
    expect(await store.flows.get('other')).toBeUndefined();
    expect(await store.flows.versions('menu')).toEqual([
      { version: 1, createdAt: 1_000 },
      { version: 2, createdAt: 2_000 },
      { version: 3, createdAt: 3_000 },
    ]);
  });

  it('refuses a version of a flow that does not exist', async () => {
    expect(await appError(store.flows.addVersion('nope', doc('one'), 1_000))).toEqual({ code: 'flow_not_found', status: 404, message: 'no flow named "nope"' });
  });

  it('numbers concurrent versions without a gap or a duplicate', async () => {
    await store.flows.create('busy', doc('v1'), 1);
    const added = await Promise.all(Array.from({ length: 10 }, (_, i) => store.flows.addVersion('busy', doc(`w${i}`), 10 + i)));
    expect(added.map((f) => f.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const stored = await Promise.all(added.map((f) => store.flows.get('busy', f.version)));
    expect(stored.map((f) => f?.document)).toEqual(added.map((f) => f.document));
  });

  it('keeps the latest version when put the same document, whatever its key order', async () => {
    await store.flows.create('same', doc('one'), 1_000);
    const reordered = JSON.parse(JSON.stringify({ nodes: doc('one').nodes, start: 'bye', format: 1 })) as FlowDocument;
    expect(await store.flows.putVersion('same', reordered, 2_000)).toEqual({ flow: { name: 'same', version: 1, document: doc('one'), createdAt: 1_000 }, changed: false });
    expect(await store.flows.putVersion('same', doc('two'), 3_000)).toEqual({ flow: { name: 'same', version: 2, document: doc('two'), createdAt: 3_000 }, changed: true });
    expect(await appError(store.flows.putVersion('nope', doc('one'), 1_000))).toMatchObject({ code: 'flow_not_found' });
  });

  it('lists flows by name with their first and latest times', async () => {
    await store.flows.create('zeta', doc('one'), 5_000);
    await store.flows.create('alpha', doc('one'), 1_000);
    await store.flows.addVersion('alpha', doc('two'), 2_000);
    await store.flows.create('alpha-2', doc('one'), 3_000);
    expect(await store.flows.list()).toEqual([
      { name: 'alpha', latestVersion: 2, createdAt: 1_000, updatedAt: 2_000 },
      { name: 'alpha-2', latestVersion: 1, createdAt: 3_000, updatedAt: 3_000 },
      { name: 'zeta', latestVersion: 1, createdAt: 5_000, updatedAt: 5_000 },
    ]);
  });

  it('is left alone by retention, however old the flows are', async () => {
    await store.flows.create('old', doc('one'), 1);
    await store.flows.addVersion('old', doc('two'), 2);
    const future = Date.now() + 365 * 24 * 3600 * 1000;
    await store.retention.pruneCalls(future, 1_000);
    await store.retention.pruneCampaigns(future, 1_000);
    expect(await store.flows.versions('old')).toHaveLength(2);
  });
});
