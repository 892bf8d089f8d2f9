import type { KeyAction, ReminderSettings } from './reminder-settings';
import type { FlowCallSettings } from '../flows/call-settings';
import type { FlowDocument } from '../flows/document';

const NODE_OF_ACTION: Record<KeyAction, string> = { agent: 'agent', acknowledge: 'acknowledged', hangup: 'other-key' };

/**
 * The built-in `reminder` as a flow: the message on a loop, the first key
 * through the key map (agent, acknowledge; any other key hangs up), no key
 * within the wait → no-response. Built from the call's own settings, so the
 * key map, wait, invite retries and agent of each call stay its own.
 */
export function reminderFlow(settings: ReminderSettings): FlowDocument {
  const keys = Object.keys(settings.keyMap);
  return {
    format: 1,
    description: 'the built-in reminder',
    start: 'message',
    nodes: {
      message: {
        type: 'gather',
        prompt: { audioUri: settings.audioFileUri, loop: true },
        maxDigits: 1,
        firstKeyTimeoutSeconds: settings.waitSeconds,
        interDigitTimeoutSeconds: 3,
        // A key mapped to hang up, or not mapped, is not an answer to stop the message for: the hang-up ends it.
        valid: keys.filter((key) => settings.keyMap[key] !== 'hangup'),
        invalid: { retries: 0, next: 'other-key' },
        next: 'action',
      },
      action: { type: 'branch', on: 'message', cases: Object.fromEntries(keys.map((key) => [key, NODE_OF_ACTION[settings.keyMap[key]]])), default: 'other-key' },
      agent: { type: 'connect', timeoutSeconds: settings.inviteTimeoutSeconds, retries: settings.inviteRetries, next: 'connected', failure: 'agent-unavailable' },
      connected: { type: 'hangup', outcome: 'connected-to-agent', reason: 'the agent joined the call' },
      'agent-unavailable': { type: 'hangup', outcome: 'agent-unavailable' },
      acknowledged: { type: 'hangup', outcome: 'answered-acknowledged', reason: 'the callee acknowledged' },
      'other-key': { type: 'hangup', outcome: 'answered-other-key', reason: 'the callee pressed a key with no action' },
    },
  };
}

/** A reminder call's settings as the flow engine reads them. */
export function reminderCallSettings(settings: ReminderSettings): FlowCallSettings {
  return {
    flow: { name: 'reminder', version: 0 },
    variables: {},
    operationContext: settings.operationContext,
    subject: settings.subject,
    agentTarget: settings.agentTarget,
    webhook: settings.webhook ?? null,
  };
}
