/**
 * What workflows ask of Call Automation, in their own words, whichever API
 * generation serves it. Each generation's adapter (client/preview/port.ts,
 * client/ga/port.ts) turns a verb into its requests; a difference between
 * generations lives there, never in a workflow. Every verb may be re-sent after
 * a crash with the same `requestId`, and fails with a CallAutomationError.
 */
export interface PortOptions {
  /** Our call id, for the timeline. */
  callId?: string;
  /** Deterministic per step: the same on a re-run, so the service applies the request once. */
  requestId?: string;
}

/** A pre-recorded file (both generations) or text the service speaks (GA only). */
export type PlayPrompt = { audioUri: string } | { text: string; voice?: string; language?: string };

export interface CallAutomationPort {
  readonly generation: 'preview' | 'ga';
  /** `target` is a raw id; a phone number is called from `callerId`. */
  createCall(input: { target: string; callbackUri: string; sourceIdentity: string; callerId?: string; subject?: string }, opts: PortOptions): Promise<{ legId: string }>;
  /** Joins an existing conversation (seed) or connects to a group call, room or server call (GA). */
  join(conversationId: string, input: { callbackUri: string; sourceIdentity: string }, opts: PortOptions): Promise<{ legId: string }>;
  /** Plays the message and makes sure the callee's keys come back as key-pressed events. */
  startPrompt(legId: string, input: { audioUri: string; loop: boolean; operationContext: string; listenTo: string }, opts: PortOptions): Promise<void>;
  /** Plays one prompt; its end comes back as a playback event with `operationContext`. */
  play(legId: string, input: PlayPrompt & { loop: boolean; operationContext: string }, opts: PortOptions): Promise<void>;
  /** Makes sure the callee's keys come back as key-pressed events from now on. */
  listenForKeys(legId: string, input: { target: string; operationContext: string }, opts: PortOptions): Promise<void>;
  /** Stops what is playing. */
  stopMedia(legId: string, input: { operationContext: string }, opts: PortOptions): Promise<void>;
  addParticipant(legId: string, input: { target: string; callerId?: string; operationContext: string }, opts: PortOptions): Promise<void>;
  hangUp(legId: string, opts: PortOptions): Promise<void>;
}
