import type { Handler, HandlerContext } from '../src/dispatch/context';
import type { DomainEventKind, DomainEventOf } from '../src/events/domain';
import { HandlerRegistry } from '../src/dispatch/registry';
import { onCallState } from './call-state';
import { onKeyPressed } from './key-pressed';
import { onParticipantResult } from './participant-result';
import { onPlayback } from './playback';
import { onRoster } from './roster';
import { onTimer } from './timer';

/** One handler per domain event kind; the compiler refuses a kind without one. */
const HANDLERS = {
  'call-state': onCallState,
  'key-pressed': onKeyPressed,
  'playback-started': onPlayback,
  'playback-finished': onPlayback,
  'playback-failed': onPlayback,
  'playback-cancelled': onPlayback,
  'participant-pending': onParticipantResult,
  'participant-added': onParticipantResult,
  'participant-failed': onParticipantResult,
  roster: onRoster,
  timer: onTimer,
} satisfies { [K in DomainEventKind]: Handler<DomainEventOf<K>> };

export function createHandlerRegistry(): HandlerRegistry<HandlerContext> {
  const registry = new HandlerRegistry<HandlerContext>();
  for (const [kind, handler] of Object.entries(HANDLERS)) registry.on(kind, handler as Handler<unknown>);
  return registry.freeze();
}
