/**
 * Workflow state is stored with the seq of the event that last changed it and
 * the state before that event. When the same event is handled again (the
 * process died before marking it handled), the handler starts from the state
 * before it, not from half of its own earlier run.
 */
interface Stored {
  __seq?: number;
  __before?: Record<string, unknown>;
  [key: string]: unknown;
}

export function visible(stored: Record<string, unknown>): Record<string, unknown> {
  const { __seq: _seq, __before: _before, ...state } = stored as Stored;
  return state;
}

export function rewind(stored: Record<string, unknown>, seq: number): { state: Record<string, unknown>; rerun: boolean } {
  const s = stored as Stored;
  if (s.__seq === seq) return { state: s.__before ?? {}, rerun: true };
  return { state: visible(stored), rerun: false };
}

export function remember(state: Record<string, unknown>, seq: number, before: Record<string, unknown>): Record<string, unknown> {
  return { ...state, __seq: seq, __before: before };
}
