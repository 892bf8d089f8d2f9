import type { Store } from '../../src/store';

/** A campaign with no targets and paused, so the service dials nothing while a test writes its calls by hand. */
export async function quietCampaign(store: Store, id: string, settings: Record<string, unknown> = {}, name = id): Promise<void> {
  await store.tx(async (r) => {
    await r.campaigns.create(
      { id, name, settings, callsPerSecond: 1, maxConcurrent: 1, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null },
      [],
    );
    await r.campaigns.transition(id, ['running'], 'paused');
  });
}

/** A finished call (of the campaign, or none) with these flow entries, written as the engine writes them (timeline kind `flow`). */
export async function flowCall(store: Store, id: string, campaignId: string | null, names: string[]): Promise<void> {
  await store.calls.insert({ id, kind: 'call', flow: 'flow', target: '4:+14255550100', settings: {}, state: 'terminated', campaignId });
  let at = 1_000;
  for (const name of names) await store.timeline.append({ callId: id, at: at++, kind: 'flow', name });
}
