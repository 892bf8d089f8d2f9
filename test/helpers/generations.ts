/**
 * The two API generations an end-to-end test runs on (design.md "Two API
 * generations"): the seed's 2021 preview and today's GA. Each says how to
 * start the service on it and how the emulator's request log names the
 * requests a workflow step sends, so one test asserts the exact requests of
 * both: the seed by operation name (its assertions as they always were), GA
 * by method and path, the leg id written `{leg}`.
 */

export interface LoggedRequest {
  method: string;
  path: string;
  operation: string;
  query: Record<string, string>;
  body: any;
}

/** What a reminder sends, step by step; each generation spells a step as one or more requests. */
export type Step = 'create' | 'prompt' | 'stop' | 'invite' | 'hangUp';

export interface Generation {
  name: 'preview' | 'ga';
  /** Added to the service's environment. */
  env: Record<string, string>;
  /** The requests each step sends, as `describe` writes them. */
  steps: Record<Step, string[]>;
  /** One logged request as the step table writes it. */
  describe(request: LoggedRequest, legId: string): string;
}

const PREVIEW: Generation = {
  name: 'preview',
  env: {},
  steps: {
    create: ['createCall'],
    prompt: ['playAudio'],
    stop: ['cancelMediaProcessing'],
    invite: ['inviteParticipant'],
    hangUp: ['hangUp'],
  },
  describe: (r) => r.operation,
};

const LEG = '/calling/callConnections/{leg}';

const GA: Generation = {
  name: 'ga',
  env: { ACS_API_VERSION: '2026-03-12' },
  steps: {
    create: ['POST /calling/callConnections'],
    // The GA service sends no keys unless the application asks for them.
    prompt: [`POST ${LEG}:play`, `POST ${LEG}:startContinuousDtmfRecognition`],
    stop: [`POST ${LEG}:cancelAllMediaOperations`],
    invite: [`POST ${LEG}/participants:add`],
    hangUp: [`DELETE ${LEG}`],
  },
  describe: (r, legId) => `${r.method} ${r.path.split(legId).join('{leg}')}`,
};

export const GENERATIONS: readonly Generation[] = [PREVIEW, GA];

/** The requests a sequence of steps sends on `generation`. */
export function requestsOf(generation: Generation, steps: readonly Step[]): string[] {
  return steps.flatMap((step) => generation.steps[step]);
}
