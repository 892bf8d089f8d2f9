import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { DATABASE_KINDS } from '../helpers/databases';
import { startTestService, TestService } from '../helpers/service';

const appointment = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'flows', 'appointment.json'), 'utf8'));
const audio = (name: string) => ({ audioUri: `https://example.com/${name}.wav` });
const menu = (over: Record<string, unknown> = {}) => ({
  start: 'menu',
  nodes: {
    menu: { type: 'gather', prompt: audio('menu'), valid: ['1', '2'], next: 'choice' },
    choice: { type: 'branch', on: 'menu', cases: { '1': 'confirm', '2': 'bye' }, default: 'bye' },
    confirm: { type: 'hangup', outcome: 'confirmed' },
    bye: { type: 'hangup', outcome: 'bye' },
    ...over,
  },
});
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe.each(DATABASE_KINDS)('/api/flows on %s', (kind) => {
  let seed: TestService;
  let ga: TestService;

  beforeAll(async () => {
    [seed, ga] = await Promise.all([startTestService(kind), startTestService(kind, { ACS_API_VERSION: '2026-03-12' })]);
  });
  afterAll(() => Promise.all([seed?.stop(), ga?.stop()]));

  const api = () => seed.api();

  it('creates version 1 with its defaults filled in, then reads it back', async () => {
    const created = await api().post('/api/flows/appointment').send(appointment);
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/api/flows/appointment');
    expect(created.body).toEqual({
      name: 'appointment',
      version: 1,
      document: expect.objectContaining({ format: 1, start: 'menu' }),
      // `to` is used too, but every call has it.
      variables: ['appointmentTime'],
      createdAt: expect.stringMatching(ISO),
      versions: [1],
    });
    // Defaults as zod fills them in: what the engine will run is what the client reads back.
    expect(created.body.document.nodes.menu).toMatchObject({ maxDigits: 1, firstKeyTimeoutSeconds: 5, interDigitTimeoutSeconds: 3 });
    expect(created.body.document.nodes.agent).toMatchObject({ timeoutSeconds: 30, retries: 1 });

    const read = await api().get('/api/flows/appointment');
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('refuses to create a flow that exists (409)', async () => {
    await api().post('/api/flows/taken').send(menu()).expect(201);
    const again = await api().post('/api/flows/taken').send(menu());
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual({ code: 'flow_exists', message: 'a flow named "taken" already exists; PUT /api/flows/taken stores a new version of it', details: null });
  });

  it('stores each change as a new version, an unchanged PUT as none, and reads any version', async () => {
    await api().post('/api/flows/versions').send(menu()).expect(201);
    const changed = menu({ bye: { type: 'hangup', outcome: 'declined' } });
    const second = await api().put('/api/flows/versions').send(changed);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ name: 'versions', version: 2, versions: [1, 2], changed: true });
    expect(second.body.document.nodes.bye.outcome).toBe('declined');

    const same = await api().put('/api/flows/versions').send(changed);
    expect(same.status).toBe(200);
    expect(same.body).toEqual({ ...second.body, changed: false });

    const latest = await api().get('/api/flows/versions');
    expect(latest.body).toMatchObject({ version: 2, versions: [1, 2] });
    const first = await api().get('/api/flows/versions?version=1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, versions: [1, 2] });
    expect(first.body.document.nodes.bye.outcome).toBe('bye');

    const missing = await api().get('/api/flows/versions?version=7');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'flow_version_not_found', message: 'flow "versions" has no version 7 (its latest is 2)' });
    const bad = await api().get('/api/flows/versions?version=two');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([{ field: 'query.version', message: 'must be a version number: 1, 2, …' }]);
  });

  it('answers 404 naming a flow that does not exist, to GET and to PUT', async () => {
    for (const res of [await api().get('/api/flows/nothing-here'), await api().get('/api/flows/nothing-here?version=1'), await api().put('/api/flows/nothing-here').send(menu())]) {
      expect(res.status).toBe(404);
      expect(res.body.error).toEqual({ code: 'flow_not_found', message: 'no flow named "nothing-here"', details: null });
    }
  });

  it('lists flows by name', async () => {
    await api().post('/api/flows/listed-b').send(menu()).expect(201);
    await api().post('/api/flows/listed-a').send(menu()).expect(201);
    await api().put('/api/flows/listed-a').send(menu({ bye: { type: 'hangup', outcome: 'later' } })).expect(200);
    const res = await api().get('/api/flows');
    expect(res.status).toBe(200);
    const listed = res.body.flows.filter((f: { name: string }) => f.name.startsWith('listed-'));
    expect(listed).toEqual([
      { name: 'listed-a', latestVersion: 2, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) },
      { name: 'listed-b', latestVersion: 1, createdAt: expect.stringMatching(ISO), updatedAt: expect.stringMatching(ISO) },
    ]);
  });

  it.each(['reminder', 'monitor'])('refuses the reserved name %s (400)', async (name) => {
    const res = await api().post(`/api/flows/${name}`).send(menu());
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({
      code: 'reserved_flow_name',
      message: `params.name: "${name}" is the name of a built-in workflow; give the flow another name`,
      details: [{ field: 'params.name', message: `"${name}" is the name of a built-in workflow; give the flow another name` }],
    });
  });

  it.each(['Menu', '1st', '-menu', 'menu_2', 'a'.repeat(64)])('refuses the name %s (400)', async (name) => {
    const res = await api().post(`/api/flows/${name}`).send(menu());
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'params.name', message: 'flow names are a lowercase letter, then up to 62 lowercase letters, digits or -' }]);
  });

  it.each([
    ['a missing next', menu({ confirm: { type: 'play', prompt: audio('x') } }), 'body.nodes.confirm.next', 'Invalid input: expected string, received undefined'],
    ['an unknown node type', menu({ confirm: { type: 'dial', next: 'bye' } }), 'body.nodes.confirm.type', "Invalid discriminator value. Expected 'play' | 'gather' | 'branch' | 'connect' | 'ask' | 'hangup'"],
    ['a field no node has', menu({ bye: { type: 'hangup', outcome: 'bye', after: 3 } }), 'body.nodes.bye', 'Unrecognized key: "after"'],
    ['a bad node id', menu({ 'my node': { type: 'hangup', outcome: 'x' } }), 'body.nodes.my node', 'node ids are a letter then up to 63 letters, digits, _ or -'],
    ['no start', { nodes: menu().nodes }, 'body.start', 'Invalid input: expected string, received undefined'],
  ])('answers 400 naming the field for %s', async (_what, body, field, message) => {
    const res = await api().post('/api/flows/shape').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'validation_failed', message: `${field}: ${message}`, details: [{ field, message }] });
  });

  it('answers 400 invalid_flow with every issue, the message naming the first', async () => {
    const body = menu({ menu: { type: 'gather', prompt: audio('menu'), valid: ['1', '2'], next: 'confrim' }, orphan: { type: 'hangup', outcome: 'lost' } });
    const res = await api().post('/api/flows/graph').send(body);
    expect(res.status).toBe(400);
    const unreachable = (node: string) => ({ node, field: '', message: 'cannot be reached from start "menu"' });
    expect(res.body.error).toEqual({
      code: 'invalid_flow',
      message: 'node "menu": next: names "confrim", which is not a node of this flow (and 5 more issues in details)',
      details: [
        { node: 'menu', field: 'next', message: 'names "confrim", which is not a node of this flow' },
        { node: 'choice', field: 'on', message: 'names gather "menu", from which no path leads to this branch, so it has no digits of "menu" to read' },
        ...['choice', 'confirm', 'bye', 'orphan'].map(unreachable),
      ],
    });
    // Refused: nothing stored.
    expect((await api().get('/api/flows/graph')).status).toBe(404);
  });

  it.each([
    ['start', { ...menu(), start: 'welcome' }, { node: 'welcome', field: 'start' }],
    ['an unreachable node', menu({ orphan: { type: 'hangup', outcome: 'lost' } }), { node: 'orphan', field: '' }],
    [
      'a node with no way to a hangup',
      menu({
        menu: { ...menu().nodes.menu, noInput: { next: 'menu' }, invalid: { next: 'menu' } },
        confirm: { type: 'connect', next: 'menu', failure: 'menu' },
        bye: { type: 'play', prompt: audio('bye'), next: 'menu' },
      }),
      { node: 'menu', field: '' },
    ],
    ['a loop of prompts', menu({ bye: { type: 'play', prompt: audio('bye'), next: 'bye' } }), { node: 'bye', field: 'next' }],
    ['a branch on a non-gather', menu({ choice: { type: 'branch', on: 'bye', cases: { '1': 'confirm' }, default: 'bye' } }), { node: 'choice', field: 'on' }],
    ['a case no gather can take', menu({ choice: { type: 'branch', cases: { '1': 'confirm', '3': 'bye' }, default: 'bye' } }), { node: 'choice', field: 'cases.3' }],
    ['a {{ that is no variable', menu({ bye: { type: 'play', prompt: { audioUri: 'https://example.com/{{first name}}.wav' }, next: 'confirm' } }), { node: 'bye', field: 'prompt.audioUri' }],
  ])('answers 400 invalid_flow naming the node and field for %s', async (_what, body, where) => {
    const res = await api().post('/api/flows/graph-check').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_flow');
    expect(res.body.error.details[0]).toEqual({ ...where, message: expect.any(String) });
  });

  it('refuses a text prompt on the seed generation and accepts it on GA', async () => {
    const spoken = menu({ menu: { type: 'gather', prompt: { text: 'Press 1 to confirm, 2 to cancel.' }, valid: ['1', '2'], next: 'choice' } });
    const refused = await seed.api().post('/api/flows/spoken').send(spoken);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toEqual({
      code: 'invalid_flow',
      message: 'node "menu": prompt.text: the seed generation (the 2021 preview API) cannot speak text: use a pre-recorded audioUri instead',
      details: [{ node: 'menu', field: 'prompt.text', message: 'the seed generation (the 2021 preview API) cannot speak text: use a pre-recorded audioUri instead' }],
    });
    const accepted = await ga.api().post('/api/flows/spoken').send(spoken);
    expect(accepted.status).toBe(201);
    expect(accepted.body.document.nodes.menu.prompt).toEqual({ text: 'Press 1 to confirm, 2 to cancel.' });
  });

  it('answers 400 to a body that is not JSON, and 401 without the key', async () => {
    const malformed = await api().post('/api/flows/broken').set('Content-Type', 'application/json').send('{"start": "menu",');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatchObject({ code: 'invalid_json' });
    const empty = await api().post('/api/flows/broken');
    expect(empty.status).toBe(400);
    expect(empty.body.error.code).toBe('validation_failed');
    const anonymous = await request(seed.service.url).get('/api/flows');
    expect(anonymous.status).toBe(401);
  });
});
