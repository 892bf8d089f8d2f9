import type { CallState } from '../events/types';
import type { Leg } from './model';

export interface LegFilter {
  target?: string;
  state?: CallState;
  limit?: number;
}

export interface LegRegistry {
  add(leg: Leg): void;
  get(id: string): Leg | undefined;
  /** True for a leg that ended so long ago that its details were let go. */
  forgotten(id: string): boolean;
  /** Moves a Terminated leg to the bounded list of ended legs. */
  ended(leg: Leg): void;
  list(filter: LegFilter): Leg[];
  counts(): Record<CallState, number>;
  clear(): void;
}

/**
 * Live legs are all kept; ended ones are kept in full up to `maxEnded`, then
 * only their ids (up to `maxForgotten`), so a 10,000-call run stays small
 * while a late request for an old leg still gets "terminated", not "unknown".
 */
export function createLegRegistry(options: { maxEnded: number; maxForgotten: number }): LegRegistry {
  const legs = new Map<string, Leg>();
  const endedOrder: string[] = [];
  let endedHead = 0;
  const forgotten = new Set<string>();

  function evict(): void {
    while (endedOrder.length - endedHead > options.maxEnded) {
      const id = endedOrder[endedHead++];
      legs.delete(id);
      forgotten.add(id);
      if (forgotten.size > options.maxForgotten) forgotten.delete(forgotten.values().next().value as string);
    }
    // Compact now and then instead of shifting on every eviction.
    if (endedHead > 1024 && endedHead * 2 > endedOrder.length) {
      endedOrder.splice(0, endedHead);
      endedHead = 0;
    }
  }

  return {
    add: (leg) => void legs.set(leg.id, leg),
    get: (id) => legs.get(id),
    forgotten: (id) => forgotten.has(id),
    ended(leg) {
      endedOrder.push(leg.id);
      evict();
    },
    list(filter) {
      const out: Leg[] = [];
      for (const leg of legs.values()) {
        if (filter.state !== undefined && leg.state !== filter.state) continue;
        if (filter.target !== undefined && !leg.targets.includes(filter.target)) continue;
        out.push(leg);
      }
      return filter.limit !== undefined && out.length > filter.limit ? out.slice(out.length - filter.limit) : out;
    },
    counts() {
      const counts: Record<CallState, number> = { Establishing: 0, Established: 0, Terminating: 0, Terminated: 0 };
      for (const leg of legs.values()) counts[leg.state] += 1;
      return counts;
    },
    clear() {
      legs.clear();
      endedOrder.length = 0;
      endedHead = 0;
      forgotten.clear();
    },
  };
}
