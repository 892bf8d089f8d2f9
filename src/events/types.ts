/** The one list of event types: it drives the schemas, the handler registry and the known/unknown decision. */
export const EVENT_TYPES = [
  'Microsoft.Communication.CallLegStateChanged',
  'Microsoft.Communication.DtmfReceived',
  'Microsoft.Communication.PlayAudioResult',
  'Microsoft.Communication.InviteParticipantResult',
  'Microsoft.Communication.ParticipantsUpdated',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** The last segment of `subject` (`callLeg/{CallLegId}/<suffix>`) for each type. */
export const SUBJECT_SUFFIX: Record<EventType, string> = {
  'Microsoft.Communication.CallLegStateChanged': 'callState',
  'Microsoft.Communication.DtmfReceived': 'dtmf',
  'Microsoft.Communication.PlayAudioResult': 'playAudio',
  'Microsoft.Communication.InviteParticipantResult': 'inviteParticipantResult',
  'Microsoft.Communication.ParticipantsUpdated': 'participantsUpdated',
};

export function isKnownEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}

export const CALL_STATES = ['Establishing', 'Established', 'Terminating', 'Terminated'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const TONES = [
  'Tone0', 'Tone1', 'Tone2', 'Tone3', 'Tone4', 'Tone5', 'Tone6', 'Tone7', 'Tone8', 'Tone9',
  'Star', 'Pound', 'A', 'B', 'C', 'D', 'Flash',
] as const;
export type Tone = (typeof TONES)[number];

/** The key a person pressed, as our key maps name it ("1", "*", "#"). */
export function keyOfTone(tone: Tone): string {
  if (tone.startsWith('Tone')) return tone.slice(4);
  return ({ Star: '*', Pound: '#' } as Record<string, string>)[tone] ?? tone;
}

export function toneOfKey(key: string): Tone | undefined {
  if (/^\d$/.test(key)) return `Tone${key}` as Tone;
  const named = ({ '*': 'Star', '#': 'Pound' } as Record<string, Tone>)[key];
  if (named) return named;
  return (TONES as readonly string[]).includes(key) ? (key as Tone) : undefined;
}
