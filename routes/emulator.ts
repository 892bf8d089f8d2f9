import express, { type Request, type Router } from 'express';
import type { Logger } from '../src/logger';
import type { EmulatorControl } from '../src/emulator/control';
import {
  addParticipantSchema,
  audioSchema,
  conversationSchema,
  dtmfSchema,
  jwtRequestSchema,
  legsQuerySchema,
  muteSchema,
  requestsQuerySchema,
} from '../src/emulator/control-schemas';
import { EmulatorError } from '../src/emulator/errors';
import { deliverySettingsSchema } from '../src/emulator/faults';
import { errorReplies } from '../src/emulator/serve';
import { scriptSchema } from '../src/emulator/scripts';
import { parseOrThrow, rawIdSchema } from '../src/emulator/validation';

/**
 * The emulator's control API (/emulator): scripts callee behaviour and
 * delivery faults, injects keys and hang-ups, seeds conversations, and shows
 * what the emulator received and delivered. It has no authentication: it is
 * a local test tool and must never be exposed beyond the machine running it.
 */
export function createEmulatorControlRouter(control: EmulatorControl, logger: Logger): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  const body = (req: Request) => req.body ?? {};
  const param = (req: Request, name: string) => {
    const value = req.params[name];
    return Array.isArray(value) ? value.join('/') : value;
  };
  const target = (req: Request) => parseOrThrow(rawIdSchema, param(req, 'target'), 'InvalidTarget');

  router.get('/', (_req, res) => void res.json(control.info()));
  router.post('/reset', (_req, res) => {
    control.reset();
    res.json({ reset: true });
  });

  router.post('/keys/rotate', (_req, res) => void res.json(control.keys.rotate()));
  router.post('/jwt', (req, res) => {
    const { audience } = parseOrThrow(jwtRequestSchema, body(req));
    res.json(control.keys.mint(`${req.protocol}://${req.get('host')}`, audience));
  });

  router.get('/scripts', (_req, res) => void res.json({ scripts: control.scripts.list() }));
  router.post('/scripts', (req, res) => void res.status(201).json(control.scripts.set(parseOrThrow(scriptSchema, body(req)))));
  router.get('/scripts/:target', (req, res) => {
    const script = control.scripts.get(target(req));
    if (!script) throw new EmulatorError(404, 'ScriptNotFound', `no script for ${param(req, 'target')}`);
    res.json(script);
  });
  router.delete('/scripts/:target', (req, res) => {
    if (!control.scripts.delete(target(req))) throw new EmulatorError(404, 'ScriptNotFound', `no script for ${param(req, 'target')}`);
    res.status(204).end();
  });
  router.delete('/scripts', (_req, res) => {
    control.scripts.clear();
    res.status(204).end();
  });

  router.get('/faults', (_req, res) => void res.json(control.faults.get()));
  router.put('/faults', (req, res) => {
    control.faults.set(parseOrThrow(deliverySettingsSchema, body(req)));
    res.json(control.faults.get());
  });
  router.delete('/faults', (_req, res) => {
    control.faults.reset();
    res.json(control.faults.get());
  });
  router.get('/deliveries', (_req, res) => void res.json(control.deliveries()));

  router.get('/audio', (_req, res) => void res.json({ audio: control.audio.list() }));
  router.put('/audio', (req, res) => {
    control.audio.set(parseOrThrow(audioSchema, body(req)));
    res.json({ audio: control.audio.list() });
  });
  router.delete('/audio', (_req, res) => {
    control.audio.clear();
    res.status(204).end();
  });

  router.get('/calls', (req, res) => void res.json({ calls: control.legs.list(parseOrThrow(legsQuerySchema, req.query, 'InvalidQuery')) }));
  router.get('/calls/:callLegId', (req, res) => void res.json(control.legs.get(param(req, 'callLegId'))));
  router.post('/calls/:callLegId/dtmf', (req, res) =>
    void res.status(202).json(control.legs.dtmf(param(req, 'callLegId'), parseOrThrow(dtmfSchema, body(req)))),
  );
  router.post('/calls/:callLegId/hangup', (req, res) => {
    control.legs.hangUp(param(req, 'callLegId'));
    res.status(202).end();
  });

  router.get('/conversations', (_req, res) => void res.json({ conversations: control.conversations.list() }));
  router.get('/conversations/:conversationId', (req, res) => void res.json(control.conversations.get(param(req, 'conversationId'))));
  router.put('/conversations/:conversationId', (req, res) => {
    const { created, conversation } = control.conversations.put(param(req, 'conversationId'), parseOrThrow(conversationSchema, body(req)));
    res.status(created ? 201 : 200).json(conversation);
  });
  router.delete('/conversations/:conversationId', (req, res) => {
    control.conversations.delete(param(req, 'conversationId'));
    res.status(204).end();
  });
  router.post('/conversations/:conversationId/participants', (req, res) => {
    const { added, participant } = control.conversations.add(param(req, 'conversationId'), parseOrThrow(addParticipantSchema, body(req)));
    res.status(added ? 201 : 200).json(participant);
  });
  router.patch('/conversations/:conversationId/participants/:participant', (req, res) => {
    const { isMuted } = parseOrThrow(muteSchema, body(req));
    res.json(control.conversations.mute(param(req, 'conversationId'), param(req, 'participant'), isMuted));
  });
  router.delete('/conversations/:conversationId/participants/:participant', (req, res) => {
    control.conversations.remove(param(req, 'conversationId'), param(req, 'participant'));
    res.status(204).end();
  });

  router.get('/requests', (req, res) => void res.json(control.requests(parseOrThrow(requestsQuerySchema, req.query, 'InvalidQuery'))));

  router.use((req, res) => void res.status(404).json({ code: 'NotFound', message: `no control route ${req.method} ${req.baseUrl}${req.path}` }));
  router.use(errorReplies(logger));
  return router;
}
