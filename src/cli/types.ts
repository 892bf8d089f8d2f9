/** What the management API answers about a campaign, as far as the CLI reads it (extra fields are ignored). */
export interface CampaignView {
  id: string;
  name: string;
  status: 'running' | 'paused' | 'cancelled' | 'completed';
  progress: { total: number; pending: number; dialling: number; done: number; cancelled: number; attempts: number; percent: number };
  outcomes: Record<string, number>;
  /** Why a running campaign places no calls now (its calling window is closed); absent from older services. */
  waiting?: { reason: string; opensAt: string | null; message: string } | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

/** Nothing will change any more: completed, or cancelled with every in-flight call finished. */
export function isSettled(view: CampaignView): boolean {
  return view.status === 'completed' || (view.status === 'cancelled' && view.progress.dialling === 0);
}

/** GET /api/campaigns/:id/funnel: distinct calls per flow node (every count is of calls). */
export interface FunnelView {
  campaignId: string;
  flow: { name: string; version: number } | null;
  calls: number;
  nodes: Array<{ node: string; reached: number; keys: Record<string, number>; noInput: number; invalid: number; hungUp: number }>;
}
