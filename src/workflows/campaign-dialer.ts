import { UpstreamError } from '../errors';
import { createPollLoop } from '../poll-loop';
import { deterministicUuid } from '../ids';
import type { Logger } from '../logger';
import type { CallRecord } from '../store';
import { slotIntervalMs, type ClaimedTarget } from '../store/campaigns';
import { isWithinWindow } from './calling-window';
import type { FlowCallSettings } from '../flows/call-settings';
import { CREATE_LEASE_MS, flowNameOf, PlaceCallDeps, sendCreateCall } from './place-call';
import type { ReminderSettings } from './reminder-settings';

/** How far ahead one claim reserves slots: a quarter second of calls per round trip to the database. */
const HORIZON_MS = 250;
/**
 * The campaign's settings with the row's overrides (checked on upload, see
 * ROW_OVERRIDES); a flow campaign's row also fills the flow's variables.
 */
export function targetSettings(campaignSettings: ReminderSettings | FlowCallSettings, fields: Record<string, string>): ReminderSettings | FlowCallSettings {
  const { audioFileUri, agentTarget, operationContext, subject, waitSeconds } = fields;
  if ('flow' in campaignSettings) {
    return {
      ...campaignSettings,
      variables: fields,
      ...(agentTarget ? { agentTarget } : {}),
      ...(operationContext ? { operationContext } : {}),
      ...(subject ? { subject } : {}),
    };
  }
  return {
    ...campaignSettings,
    ...(audioFileUri ? { audioFileUri } : {}),
    ...(agentTarget ? { agentTarget } : {}),
    ...(operationContext ? { operationContext } : {}),
    ...(subject ? { subject } : {}),
    ...(waitSeconds ? { waitSeconds: Number(waitSeconds) } : {}),
  };
}

/**
 * Places campaign calls. Each round claims what the campaign's limits allow
 * (rows locked in the database, so several instances share the work and no
 * target is claimed twice for one attempt), stores each attempt's call with a
 * deterministic id in the same transaction, then sends each create request at
 * its reserved slot. A crash between the two leaves a call the resume sweep
 * sends again with the same Repeatability-Request-ID.
 */
export function createCampaignDialer(deps: PlaceCallDeps & { logger: Logger; pollMs?: number }) {
  const { store, clock, logger } = deps;
  const pollMs = deps.pollMs ?? 50;
  const inFlight = new Set<Promise<void>>();
  const lastSentAt = new Map<string, number>();
  const pacers = new Map<string, Promise<void>>();

  async function claim(campaignId: string): Promise<Array<{ call: CallRecord; slotAt: number; interval: number }>> {
    const campaign = await store.campaigns.get(campaignId);
    if (!campaign || campaign.status !== 'running' || !isWithinWindow(campaign.callingWindow, clock.now())) return [];
    const interval = slotIntervalMs(campaign.callsPerSecond);
    return store.tx(async (r) => {
      const now = clock.now();
      const callIdOf = (target: { id: number }, attempt: number) => deterministicUuid('campaign', campaignId, target.id, attempt);
      const claimed: ClaimedTarget[] = await r.campaigns.claim(campaignId, HORIZON_MS, now, callIdOf);
      const out = [];
      for (const { target, attempt, slotAt } of claimed) {
        const callId = callIdOf(target, attempt);
        const call = await r.calls.insert({
          id: callId,
          kind: 'call',
          flow: flowNameOf(campaign.settings as unknown as ReminderSettings | FlowCallSettings),
          target: target.target,
          settings: targetSettings(campaign.settings as unknown as ReminderSettings | FlowCallSettings, target.fields) as unknown as Record<string, unknown>,
          campaignId,
          campaignTargetId: target.id,
          attempt,
          lease: { owner: deps.instanceId, until: now + CREATE_LEASE_MS },
        });
        out.push({ call, slotAt, interval });
      }
      return out;
    });
  }

  /**
   * Waits for a call's turn: its reserved slot, and one interval after this
   * instance's previous call actually went out. Turns are taken one after the
   * other per campaign, so a late event loop delays calls instead of bunching them.
   */
  function turn(campaignId: string, slotAt: number, interval: number): Promise<void> {
    const next = (pacers.get(campaignId) ?? Promise.resolve()).then(async () => {
      const earliest = Math.max(slotAt, (lastSentAt.get(campaignId) ?? -Infinity) + interval);
      while (clock.now() < earliest) await clock.sleep(earliest - clock.now());
      lastSentAt.set(campaignId, clock.now());
    });
    pacers.set(campaignId, next);
    return next;
  }

  function send(campaignId: string, call: CallRecord, slotAt: number, interval: number): void {
    const work = turn(campaignId, slotAt, interval)
      .then(() => sendCreateCall(deps, call))
      .then(
        () => undefined,
        (err) => {
          if (!(err instanceof UpstreamError)) logger.error({ err, callId: call.id, campaignId }, 'placing a campaign call failed');
        },
      )
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  }

  const loop = createPollLoop({
    pollMs,
    async round() {
      for (const campaignId of await store.campaigns.runningIds()) {
        for (const { call, slotAt, interval } of await claim(campaignId)) send(campaignId, call, slotAt, interval);
      }
    },
    onError: (err) => logger.error({ err }, 'campaign dialer round failed; retrying'),
    inFlight: () => inFlight,
  });

  return {
    start: loop.start,
    /** Stops claiming; create requests already scheduled are still sent, within the deadline. */
    stop: loop.stop,
    wake: loop.wake,
  };
}

export type CampaignDialer = ReturnType<typeof createCampaignDialer>;
