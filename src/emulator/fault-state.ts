import { defaultDeliverySettings, type DeliverySettings } from './faults';
import { seededRandom } from './random';

/** The current delivery settings and the random source faults draw from; a seed in the settings restarts it. */
export interface FaultState {
  settings(): DeliverySettings;
  set(settings: DeliverySettings): void;
  reset(): void;
  random(): number;
}

export function createFaultState(initialRandom: () => number): FaultState {
  let settings = defaultDeliverySettings();
  let source = initialRandom;
  return {
    settings: () => settings,
    set(next) {
      settings = next;
      if (next.seed !== undefined) source = seededRandom(next.seed);
    },
    reset() {
      settings = defaultDeliverySettings();
      source = initialRandom;
    },
    random: () => source(),
  };
}
