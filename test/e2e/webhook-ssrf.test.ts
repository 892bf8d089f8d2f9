import { eventually, startTestService, TestService } from '../helpers/service';
import { Receiver, startReceiver, webhookSecret } from '../helpers/webhook-receiver';

const AUDIO = 'https://media.example.com/reminder.wav';
const SECRET = webhookSecret('ssrf');

/** With private targets not allowed, nothing reaches loopback, private, link-local or metadata addresses. */
describe('webhook targets on private addresses', () => {
  let t: TestService;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    // WEBHOOK_URL on loopback: accepted by the config (DNS is not resolved there), refused by every delivery.
    t = await startTestService('sqlite', {
      WEBHOOK_URL: receiver.url.replace('127.0.0.1', 'localhost'),
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: '0',
      WEBHOOK_RETRY_BASE_MS: '50',
      // The tests poll the deliveries API until the refusal shows.
      RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });

  it.each([
    ['loopback', 'http://127.0.0.1:9/hooks'],
    ['a name resolving to loopback', 'http://localhost:9/hooks'],
    ['private', 'http://10.0.0.7/hooks'],
    ['CGNAT', 'http://100.64.1.1/hooks'],
    ['the metadata service', 'http://169.254.169.254/latest/meta-data/'],
    ['the IPv6 metadata service', 'http://[fd00:ec2::254]/'],
  ])('refuses a call whose webhookUrl is %s, naming the field', async (_what, webhookUrl) => {
    const res = await t.api().post('/api/calls').send({ to: '+14255550199', audioFileUri: AUDIO, webhookUrl });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('body.webhookUrl') });
    expect(res.body.error.details[0]).toMatchObject({ field: 'body.webhookUrl', message: expect.stringContaining('private') });
  });

  it('refuses a campaign whose webhookUrl is private', async () => {
    const res = await t
      .api()
      .post('/api/campaigns')
      .send({ name: 'ssrf', audioFileUri: AUDIO, webhookUrl: 'http://192.168.0.10/', targets: [{ to: '+14255550198' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('body.webhookUrl');
  });

  it('refuses the delivery itself when the target resolves to a private address, without retrying', async () => {
    await t.emulator().post('/emulator/scripts').send({ target: '+14255550197', dtmf: [{ afterMs: 300, keys: '2' }] }).expect(201);
    const placed = await t.api().post('/api/calls').send({ to: '+14255550197', audioFileUri: AUDIO });
    expect(placed.status).toBe(201);
    const failed = await eventually('the refused delivery', async () => {
      const res = await t.api().get('/api/webhooks/deliveries').query({ callId: placed.body.id, status: 'failed' });
      return res.body.deliveries?.[0];
    });
    expect(failed).toMatchObject({ attempts: 1, lastStatus: null, lastError: expect.stringContaining('loopback, private') });
    expect(receiver.attempts).toEqual([]);
  });
});
