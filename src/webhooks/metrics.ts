import { Counter, Gauge, Registry } from 'prom-client';
import type { Clock } from '../clock';
import type { Store } from '../store';
import type { DelivererOptions } from './deliverer';

/** Webhook figures on /metrics: attempts by result from this instance; pending and oldest age from the shared database. */
export function webhookMetrics(registry: Registry, deps: { store: Store; clock: Clock }): NonNullable<DelivererOptions['onAttempt']> {
  const attempts = new Counter({
    name: 'callhook_webhook_attempts_total',
    help: 'Webhook delivery attempts, by event type and result (delivered, retry, failed)',
    labelNames: ['event_type', 'result'],
    registers: [registry],
  });
  new Gauge({
    name: 'callhook_webhook_deliveries',
    help: 'Webhook deliveries in the outbox, by status (pending, delivered, failed)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const { byStatus } = await deps.store.webhooks.stats();
      for (const [status, n] of Object.entries(byStatus)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'callhook_webhook_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook not yet delivered (0 when none is pending)',
    registers: [registry],
    async collect() {
      const { oldestPendingAt } = await deps.store.webhooks.stats();
      this.set(oldestPendingAt === null ? 0 : Math.max(0, (deps.clock.now() - oldestPendingAt) / 1000));
    },
  });
  return (delivery, _result, outcome) => attempts.inc({ event_type: delivery.type, result: outcome });
}
