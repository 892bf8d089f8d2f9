import { checkWebhookTarget, isPrivateAddress } from '../../src/webhooks/address-guard';

describe('webhook SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '100.64.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses a host name that resolves to loopback, and a literal metadata address', async () => {
    await expect(checkWebhookTarget('http://localhost:9/hooks', false)).rejects.toThrow(/loopback, private/);
    await expect(checkWebhookTarget('http://169.254.169.254/latest/meta-data', false)).rejects.toThrow(/169\.254\.169\.254/);
    await expect(checkWebhookTarget('http://[fd00:ec2::254]/', false)).rejects.toThrow(/fd00:ec2::254/);
  });

  it('lets them through when private targets are allowed', async () => {
    await expect(checkWebhookTarget('http://localhost:9/hooks', true)).resolves.toBeUndefined();
  });
});
