/**
 * The GA (CloudEvents) event types the workflows use. One list drives the
 * schemas, the translation and the known/unknown decision; any other GA type
 * is stored and acknowledged, not handled.
 */
export const GA_EVENT_TYPES = [
  'Microsoft.Communication.CallConnected',
  'Microsoft.Communication.CallDisconnected',
  'Microsoft.Communication.CreateCallFailed',
  'Microsoft.Communication.ConnectFailed',
  'Microsoft.Communication.PlayStarted',
  'Microsoft.Communication.PlayCompleted',
  'Microsoft.Communication.PlayFailed',
  'Microsoft.Communication.PlayCanceled',
  'Microsoft.Communication.ContinuousDtmfRecognitionToneReceived',
  'Microsoft.Communication.AddParticipantSucceeded',
  'Microsoft.Communication.AddParticipantFailed',
  'Microsoft.Communication.ParticipantsUpdated',
] as const;

export type GaEventType = (typeof GA_EVENT_TYPES)[number];

export function isKnownGaEventType(value: string): value is GaEventType {
  return (GA_EVENT_TYPES as readonly string[]).includes(value);
}

/** DTMF tones as the GA wire names them. */
export const GA_TONES = [
  'zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine',
  'a', 'b', 'c', 'd', 'pound', 'asterisk',
] as const;
export type GaTone = (typeof GA_TONES)[number];

const KEYS: Record<GaTone, string> = {
  zero: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  a: 'A', b: 'B', c: 'C', d: 'D', pound: '#', asterisk: '*',
};

/** The key a person pressed, as our key maps name it ("1", "*", "#"). */
export function keyOfGaTone(tone: GaTone): string {
  return KEYS[tone];
}

/** A GA CloudEvent's marks: a seed event has `eventType` and no `specversion`. */
export function looksLikeCloudEvent(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) && 'specversion' in raw;
}
