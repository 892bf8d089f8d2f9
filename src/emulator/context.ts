import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { AudioCatalog } from './audio';
import type { ConversationRegistry } from './conversations';
import type { SigningKeys } from './ga/signing-keys';
import type { Delivery } from './delivery/delivery';
import type { LegRegistry } from './legs';
import type { ResolvedOptions } from './options';
import type { ScriptStore } from './scripts';
import type { Timers } from './timers';

/** Everything one emulator instance owns; passed to the functions that act on calls, never held in module state. */
export interface EmulatorContext {
  options: ResolvedOptions;
  clock: Clock;
  logger: Logger;
  timers: Timers;
  eventTime: () => string;
  legs: LegRegistry;
  conversations: ConversationRegistry;
  scripts: ScriptStore;
  audio: AudioCatalog;
  delivery: Delivery;
  /** Signs GA callbacks; rotated through the control API. */
  callbackKeys: SigningKeys;
}
