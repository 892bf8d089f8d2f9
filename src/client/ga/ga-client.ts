import { AsyncLocalStorage } from 'node:async_hooks';
import { CallAutomationClient, type CallInvite, type CallLocator, type FileSource, type TextSource } from '@azure/communication-call-automation';
import { createIdentifierFromRawId, type PhoneNumberIdentifier } from '@azure/communication-common';
import type { TokenCredential } from '@azure/core-auth';
import type { Clock } from '../../clock';
import type { Logger } from '../../logger';
import { CallAutomationError } from '../errors';
import { recordSafely, type RequestRecorder } from '../recorder';
import type { PlayPrompt } from '../port';
import type { Operation } from '../types';
import { createRepeatabilityPolicy, type PinnedRequest } from './repeatability-policy';

export interface GaClientDeps {
  /** `endpoint=…;accesskey=…` (HMAC), or an endpoint with `credential` (Microsoft Entra ID). */
  connectionString?: string;
  endpoint?: string;
  credential?: TokenCredential;
  apiVersion: string;
  /** The SDK's retry policy is the one retry layer on GA: transient failures (network, 408, 429, 5xx) up to this many times. */
  maxRetries: number;
  clock: Clock;
  logger: Logger;
  recorder?: RequestRecorder;
}

export interface SendOptions {
  callId?: string;
  /** Deterministic per step, so a re-run after a crash is the same request to the service. */
  requestId?: string;
}

type Method = 'POST' | 'DELETE';

/** Our raw ids write a phone number as `+1…` or `4:+1…`; the SDK's parser knows only the second. */
function identifier(rawId: string) {
  return createIdentifierFromRawId(rawId.startsWith('+') ? `4:${rawId}` : rawId);
}

/**
 * Today's GA Call Automation through the official SDK. The SDK does the
 * signing (HMAC or Entra ID), the wire shapes and the retries; this wrapper
 * pins the repeatability id, records each request on the call's timeline and
 * turns the SDK's RestError into callhook's CallAutomationError.
 */
export function createGaClient(deps: GaClientDeps) {
  const pinned = new AsyncLocalStorage<PinnedRequest>();
  const endpoint = deps.endpoint ?? /endpoint=([^;]+)/i.exec(deps.connectionString ?? '')?.[1] ?? '';
  const options = {
    // Plain http only ever reaches the emulator: config refuses a non-local http endpoint.
    allowInsecureConnection: endpoint.startsWith('http://'),
    additionalPolicies: [{ policy: createRepeatabilityPolicy(pinned), position: 'perRetry' as const }],
    retryOptions: { maxRetries: deps.maxRetries },
    // The SDK picks the api-version of its generated client; callhook names it explicitly.
    apiVersion: deps.apiVersion,
  };
  const sdk = deps.connectionString
    ? new CallAutomationClient(deps.connectionString, options)
    : new CallAutomationClient(deps.endpoint as string, deps.credential as TokenCredential, options);

  async function send<T>(operation: Operation, method: Method, path: string, opts: SendOptions, run: () => Promise<T>): Promise<T> {
    const startedAt = deps.clock.now();
    const requestId = opts.requestId ?? crypto.randomUUID();
    const pin: PinnedRequest = { requestId, firstSentAt: startedAt, attempts: 0 };
    const base = () => ({ callId: opts.callId, operation, method, path, requestId, startedAt: new Date(startedAt).toISOString(), attempts: Math.max(1, pin.attempts) });
    try {
      const value = await pinned.run(pin, run);
      await recordSafely(deps.recorder, { ...base(), ok: true, status: pin.status, latencyMs: deps.clock.now() - startedAt }, deps.logger);
      return value;
    } catch (err) {
      const e = err as { statusCode?: number; code?: string; message?: string; name?: string };
      const status = typeof e.statusCode === 'number' ? e.statusCode : pin.status;
      const error = new CallAutomationError({
        operation,
        upstreamStatus: status,
        // @azure/identity's failures carry neither status nor code; without this an identity that cannot sign in reads as a network error.
        upstreamCode: e.code ?? (status ? `http_${status}` : /^(AggregateAuthentication|CredentialUnavailable|Authentication)Error$/.test(e.name ?? '') ? 'entra_id_sign_in_failed' : 'network_error'),
        message: e.message ?? String(err),
        requestId,
        attempts: Math.max(1, pin.attempts),
        retriable: false,
      });
      await recordSafely(
        deps.recorder,
        { ...base(), ok: false, status, errorCode: error.upstreamCode, errorMessage: error.message, latencyMs: deps.clock.now() - startedAt },
        deps.logger,
      );
      throw error;
    }
  }

  const connection = (legId: string) => sdk.getCallConnection(legId);
  const legPath = (legId: string) => `/calling/callConnections/${encodeURIComponent(legId)}`;

  return {
    /** A call to one target; a phone number is called from `callerId` (the service refuses PSTN without one). */
    async createCall(
      input: { target: string; callbackUri: string; callerId?: string; operationContext?: string },
      opts: SendOptions = {},
    ): Promise<{ legId: string }> {
      const target = identifier(input.target);
      const invite: CallInvite = {
        targetParticipant: target as CallInvite['targetParticipant'],
        ...('phoneNumber' in target && input.callerId ? { sourceCallIdNumber: { phoneNumber: input.callerId } as PhoneNumberIdentifier } : {}),
      };
      const result = await send('createCall', 'POST', '/calling/callConnections', opts, () =>
        sdk.createCall(invite, input.callbackUri, { operationContext: input.operationContext }),
      );
      const legId = result.callConnectionProperties.callConnectionId;
      if (!legId) throw new CallAutomationError({ operation: 'createCall', upstreamStatus: 201, upstreamCode: 'invalid_response', message: 'no callConnectionId in the response', requestId: opts.requestId ?? '', attempts: 1, retriable: false });
      return { legId };
    },

    /** `:connect` to a group call, room or server call. */
    async connect(locator: CallLocator, input: { callbackUri: string; operationContext?: string }, opts: SendOptions = {}): Promise<{ legId: string }> {
      const result = await send('joinConversation', 'POST', '/calling/callConnections:connect', opts, () =>
        sdk.connectCall(locator, input.callbackUri, { operationContext: input.operationContext }),
      );
      return { legId: result.callConnectionProperties.callConnectionId as string };
    },

    /** A file, or text the service speaks (`voice`: a neural voice name such as en-US-JennyNeural). */
    async play(legId: string, input: PlayPrompt & { loop: boolean; operationContext: string }, opts: SendOptions = {}): Promise<void> {
      const source: FileSource | TextSource =
        'audioUri' in input
          ? { kind: 'fileSource', url: input.audioUri }
          : { kind: 'textSource', text: input.text, voiceName: input.voice, sourceLocale: input.language };
      await send('playAudio', 'POST', `${legPath(legId)}:play`, opts, () =>
        connection(legId).getCallMedia().playToAll([source], { loop: input.loop, operationContext: input.operationContext }),
      );
    },

    async cancelMedia(legId: string, opts: SendOptions = {}): Promise<void> {
      await send('cancelMediaProcessing', 'POST', `${legPath(legId)}:cancelAllMediaOperations`, opts, () => connection(legId).getCallMedia().cancelAllOperations());
    },

    /** Without it the service sends no keys. */
    async startKeyRecognition(legId: string, input: { target: string; operationContext: string }, opts: SendOptions = {}): Promise<void> {
      await send('startDtmfRecognition', 'POST', `${legPath(legId)}:startContinuousDtmfRecognition`, opts, () =>
        connection(legId).getCallMedia().startContinuousDtmfRecognition(identifier(input.target), { operationContext: input.operationContext }),
      );
    },

    async addParticipant(legId: string, input: { target: string; callerId?: string; operationContext: string }, opts: SendOptions = {}): Promise<void> {
      const target = identifier(input.target);
      const invite: CallInvite = {
        targetParticipant: target as CallInvite['targetParticipant'],
        ...('phoneNumber' in target && input.callerId ? { sourceCallIdNumber: { phoneNumber: input.callerId } as PhoneNumberIdentifier } : {}),
      };
      await send('inviteParticipant', 'POST', `${legPath(legId)}/participants:add`, opts, () => connection(legId).addParticipant(invite, { operationContext: input.operationContext }));
    },

    async hangUp(legId: string, opts: SendOptions = {}): Promise<void> {
      await send('hangUp', 'DELETE', legPath(legId), opts, () => connection(legId).hangUp(false));
    },
  };
}

export type GaClient = ReturnType<typeof createGaClient>;
