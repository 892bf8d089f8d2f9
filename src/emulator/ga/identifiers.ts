import { parseRawId, rawIdOfWire } from '../../identifiers';
import type { Tone } from '../../events/types';

/** A GA identifier as the REST API and the events carry it: `{kind, rawId, communicationUser{id} | phoneNumber{value} | …}`. */
export function gaIdentifier(rawId: string): Record<string, unknown> {
  const parsed = parseRawId(rawId);
  return { kind: parsed.kind, rawId: parsed.rawId, ...parsed.wire };
}

/** The raw id a GA identifier names; `rawId` alone is enough, as the service accepts it. */
export function rawIdOfGa(wire: unknown): string {
  const w = wire as { rawId?: unknown };
  if (typeof w === 'object' && w !== null && typeof w.rawId === 'string' && w.rawId !== '') {
    try {
      return rawIdOfWire(wire);
    } catch {
      return parseRawId(w.rawId).rawId;
    }
  }
  return rawIdOfWire(wire);
}

const GA_TONES: Record<Tone, string> = {
  Tone0: 'zero', Tone1: 'one', Tone2: 'two', Tone3: 'three', Tone4: 'four',
  Tone5: 'five', Tone6: 'six', Tone7: 'seven', Tone8: 'eight', Tone9: 'nine',
  Star: 'asterisk', Pound: 'pound', A: 'a', B: 'b', C: 'c', D: 'd', Flash: 'flash',
};

/** The GA spelling of a key (`one`, `pound`, `asterisk`). */
export function gaTone(tone: Tone): string {
  return GA_TONES[tone];
}

export const GA_TONE_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'a', 'b', 'c', 'd', 'pound', 'asterisk'] as const;
