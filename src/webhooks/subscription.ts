import { ValidationError } from '../errors';
import type { WebhookConfig } from '../config';
import { checkWebhookTarget } from './address-guard';
import type { WebhookSubscription } from './event-types';

/**
 * Checks a call's or campaign's own webhookUrl when it is submitted, so a
 * mistake is a 400 naming the field now rather than failed deliveries later.
 * Deliveries check the address again (DNS may answer differently by then).
 */
export async function checkSubscription(config: WebhookConfig, webhook: WebhookSubscription | null | undefined, field = 'body.webhookUrl'): Promise<void> {
  if (!webhook) return;
  const fail = (message: string): never => {
    throw new ValidationError(`${field}: ${message}`, [{ field, message }]);
  };
  if (config.secrets.length === 0) fail('webhooks are off: set WEBHOOK_SECRET on the service to send them');
  if (config.requireHttps && !webhook.url.startsWith('https://')) fail('must be an https URL');
  try {
    await checkWebhookTarget(webhook.url, config.allowPrivate);
  } catch (err) {
    fail((err as Error).message);
  }
}
