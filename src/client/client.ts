import type { Clock } from '../clock';
import { ValidationError } from '../errors';
import type { Logger } from '../logger';
import type { RequestRecorder } from './recorder';
import { isRecord, ParsedBody } from './response';
import { resolveRetryOptions, RetryOptions } from './retry';
import { createTransport, Decoder, RequestOptions } from './transport';
import type {
  CallLegResponse,
  CancelMediaProcessingRequest,
  CreateCallRequest,
  InviteConversationParticipantsRequest,
  InviteParticipantsRequest,
  JoinConversationRequest,
  MediaOperationResponse,
  PlayAudioRequest,
} from './types';

export interface CallAutomationClientDeps {
  /** Origin plus optional base path, as parseConnectionString returns it. */
  endpoint: string;
  /** Base64 access key from the connection string. */
  accessKey: string;
  apiVersion: string;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryOptions>;
  /** Per attempt, not per logical request. */
  timeoutMs?: number;
  recorder?: RequestRecorder;
  /** Jitter source in [0, 1); injectable so tests can pin the backoff. */
  random?: () => number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export function createCallAutomationClient(deps: CallAutomationClientDeps) {
  const transport = createTransport({
    endpoint: normalizeEndpoint(deps.endpoint),
    accessKey: deps.accessKey,
    apiVersion: deps.apiVersion,
    clock: deps.clock,
    logger: deps.logger,
    retry: resolveRetryOptions(deps.retry),
    timeoutMs: deps.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    random: deps.random ?? Math.random,
    recorder: deps.recorder,
  });
  const call = (callLegId: string) => `/calling/calls/${segment(callLegId, 'callLegId')}`;
  const conversation = (conversationId: string) => `/calling/conversations/${segment(conversationId, 'conversationId')}`;

  return {
    createCall: async (body: CreateCallRequest, options: RequestOptions = {}): Promise<CallLegResponse> =>
      transport.send({ operation: 'createCall', method: 'POST', path: '/calling/calls', body }, options, callLeg),

    hangUp: async (callLegId: string, options: RequestOptions = {}): Promise<void> =>
      transport.send({ operation: 'hangUp', method: 'POST', path: `${call(callLegId)}/Hangup` }, options, nothing),

    playAudio: async (callLegId: string, body: PlayAudioRequest, options: RequestOptions = {}): Promise<MediaOperationResponse | undefined> =>
      transport.send({ operation: 'playAudio', method: 'POST', path: `${call(callLegId)}/PlayAudio`, body }, options, mediaOperation),

    cancelMediaProcessing: async (
      callLegId: string,
      body: CancelMediaProcessingRequest,
      options: RequestOptions = {},
    ): Promise<MediaOperationResponse | undefined> =>
      transport.send(
        { operation: 'cancelMediaProcessing', method: 'POST', path: `${call(callLegId)}/CancelMediaProcessing`, body },
        options,
        mediaOperation,
      ),

    inviteParticipant: async (callLegId: string, body: InviteParticipantsRequest, options: RequestOptions = {}): Promise<void> =>
      transport.send({ operation: 'inviteParticipant', method: 'POST', path: `${call(callLegId)}/participants`, body }, options, nothing),

    removeParticipant: async (callLegId: string, participantId: string, options: RequestOptions = {}): Promise<void> =>
      transport.send(
        { operation: 'removeParticipant', method: 'DELETE', path: `${call(callLegId)}/participants/${segment(participantId, 'participantId')}` },
        options,
        nothing,
      ),

    joinConversation: async (conversationId: string, body: JoinConversationRequest, options: RequestOptions = {}): Promise<CallLegResponse> =>
      transport.send({ operation: 'joinConversation', method: 'POST', path: `${conversation(conversationId)}/join`, body }, options, callLeg),

    inviteConversationParticipants: async (
      conversationId: string,
      body: InviteConversationParticipantsRequest,
      options: RequestOptions = {},
    ): Promise<void> =>
      transport.send(
        { operation: 'inviteConversationParticipants', method: 'POST', path: `${conversation(conversationId)}/participants`, body },
        options,
        nothing,
      ),

    removeConversationParticipant: async (conversationId: string, participantId: string, options: RequestOptions = {}): Promise<void> =>
      transport.send(
        {
          operation: 'removeConversationParticipant',
          method: 'DELETE',
          path: `${conversation(conversationId)}/participants/${segment(participantId, 'participantId')}`,
        },
        options,
        nothing,
      ),

    /** Drops the keep-alive sockets; the client must not be used afterwards. */
    close: (): void => transport.close(),
  };
}

export type CallAutomationClient = ReturnType<typeof createCallAutomationClient>;

/**
 * `.` and `..` (even percent-encoded) are dot-segments that URL parsing folds
 * away, which would send the request to another resource; an empty id would
 * hit the collection. None of them is an id the service hands out.
 */
function segment(value: string, name: string): string {
  if (typeof value !== 'string' || value === '' || value === '.' || value === '..') {
    throw new ValidationError(`${name} must be a non-empty id, got ${JSON.stringify(value)}`, undefined, 'invalid_path_parameter');
  }
  return encodeURIComponent(value);
}

function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new TypeError('Call Automation endpoint is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('Call Automation endpoint must be http(s)');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The call leg id is what every later step needs: a success without it is a failure. */
const callLeg: Decoder<CallLegResponse> = (body: ParsedBody) => {
  if (body.kind === 'json' && isRecord(body.value) && typeof body.value.callLegId === 'string' && body.value.callLegId !== '') {
    return { ok: true, value: body.value as unknown as CallLegResponse };
  }
  return { ok: false, message: 'no callLegId in the response' };
};

/** The operation was accepted either way; its body is informative only. */
const mediaOperation: Decoder<MediaOperationResponse | undefined> = (body: ParsedBody) => ({
  ok: true,
  value: body.kind === 'json' && isRecord(body.value) ? (body.value as unknown as MediaOperationResponse) : undefined,
});

const nothing: Decoder<void> = () => ({ ok: true, value: undefined });
