import { Webhook } from 'standardwebhooks';

/** The three Standard Webhooks headers for one attempt; the first secret of WEBHOOK_SECRET signs. */
export function signatureHeaders(secrets: string[], id: string, at: Date, body: string): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secrets[0]).sign(id, at, body),
  };
}
