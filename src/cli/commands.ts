import { createApiClient } from './api-client';
import { resolveApiKey } from './api-key';
import type { Command, WatchOptions } from './args';
import { BackupError, backupSqlite } from './backup';
import { hasFunnel, renderFunnel } from './funnel';
import { createProgress } from './progress';
import { renderSummary } from './summary';
import { inTermsOfTheCommandLine } from './upload-errors';
import type { CampaignView } from './types';
import { InterruptChoice, watchCampaign } from './watch';
import { listenForWebhooks } from './webhooks-listen';

/** Everything a command touches outside itself, so main.ts owns the process and commands stay plain functions. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Whether stderr (where progress goes) is a terminal: a live bar, or plain lines. */
  progressIsTty: boolean;
  readFile(path: string): Promise<string>;
  now(): number;
  onInterrupt(handler: () => void): () => void;
  ask?: () => Promise<InterruptChoice>;
  /** How the person started this program, for the commands it suggests: `callhook`, or `npm run callhook --` in a checkout. */
  invokedAs?: string;
}

/** Exit status when the person stopped watching with Ctrl-C, as shells report an interrupted program. */
export const EXIT_INTERRUPTED = 130;

/** The file could not be read; its message is ready to print. */
export class InputError extends Error {}

const DEFAULT_INTERVAL_S = { tty: 1, plain: 10 };

async function readTargets(io: CliIo, file: string): Promise<string> {
  try {
    return await io.readFile(file);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new InputError(`cannot read ${file}: ${why}${e.code ? ` (${e.code})` : ''}`);
  }
}

/** The summary, and the flow funnel under it when the campaign's calls ran a flow. */
async function summaryWithFunnel(client: ReturnType<typeof createApiClient>, view: CampaignView, now: number): Promise<string> {
  const funnel = await client.getFunnel(view.id);
  return hasFunnel(funnel) ? `${renderSummary(view, now)}\n\n${renderFunnel(funnel)}` : renderSummary(view, now);
}

async function watchToEnd(io: CliIo, command: { watch: WatchOptions }, client: ReturnType<typeof createApiClient>, first: CampaignView): Promise<number> {
  const intervalS = command.watch.intervalSeconds ?? (io.progressIsTty ? DEFAULT_INTERVAL_S.tty : DEFAULT_INTERVAL_S.plain);
  const result = await watchCampaign(
    {
      client,
      renderer: createProgress({ stream: io.stderr, tty: io.progressIsTty, now: io.now }),
      intervalMs: intervalS * 1000,
      onInterrupt: io.onInterrupt,
      ask: io.ask,
      note: (line) => io.stderr.write(`${line}\n`),
    },
    first,
  );
  if (result.stopped) {
    const id = result.view.id;
    const callhook = io.invokedAs ?? 'callhook';
    io.stderr.write(
      `Stopped watching; campaign ${id} continues.\n  watch again:  ${callhook} campaign watch ${id}\n  cancel it:    ${callhook} campaign cancel ${id}\n`,
    );
    return EXIT_INTERRUPTED;
  }
  io.stdout.write(`${await summaryWithFunnel(client, result.view, io.now())}\n`);
  return 0;
}

/** Prints verified webhooks until Ctrl-C. */
async function listen(command: Extract<Command, { kind: 'webhooks-listen' }>, io: CliIo): Promise<number> {
  const receiver = await listenForWebhooks({ host: command.host, port: command.port, secrets: command.secrets, out: io.stdout, err: io.stderr });
  io.stderr.write(`Listening for callhook webhooks at ${receiver.url} (set WEBHOOK_URL to it; Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const off = io.onInterrupt(() => {
      off();
      resolve();
    });
  });
  await receiver.close();
  return 0;
}

async function runBackup(command: Extract<Command, { kind: 'backup' }>, io: CliIo): Promise<number> {
  try {
    const { pages, bytes } = await backupSqlite(command.database, command.file, (line) => io.stderr.write(`${line}\n`));
    io.stdout.write(`backed up ${command.database.kind === 'sqlite' ? command.database.path : 'the database'} to ${command.file} (${pages} pages, ${(bytes / 1024 / 1024).toFixed(1)} MB, integrity ok)\n`);
    return 0;
  } catch (err) {
    if (err instanceof BackupError) throw new InputError(err.message);
    throw err;
  }
}

/** Runs one parsed command; resolves to the exit status, throws ApiError/InputError for main to print. */
export async function runCommand(command: Exclude<Command, { kind: 'help' }>, io: CliIo): Promise<number> {
  if (command.kind === 'webhooks-listen') return listen(command, io);
  if (command.kind === 'backup') return runBackup(command, io);
  const client = createApiClient({ baseUrl: command.connection.url, apiKey: await resolveApiKey(io, command.connection) });
  switch (command.kind) {
    case 'run': {
      const csv = await readTargets(io, command.file);
      const created = await client.createCampaignFromCsv(csv, command.settings).catch((err: unknown) => {
        throw inTermsOfTheCommandLine(err, command.file);
      });
      if (command.detach) {
        io.stdout.write(`${created.id}\n`);
        return 0;
      }
      io.stderr.write(
        `Campaign ${created.id} "${created.name}" created with ${created.progress.total} targets.\n` +
          `Report page: ${client.baseUrl}/campaigns/${created.id}\n`,
      );
      return watchToEnd(io, command, client, created);
    }
    case 'watch':
      return watchToEnd(io, command, client, await client.getCampaign(command.id));
    case 'status': {
      const view = await client.getCampaign(command.id);
      io.stdout.write(command.json ? `${JSON.stringify(view, null, 2)}\n` : `${await summaryWithFunnel(client, view, io.now())}\n`);
      return 0;
    }
    case 'report':
      io.stdout.write(command.csv ? await client.reportCsv(command.id) : `${JSON.stringify(await client.reportJson(command.id), null, 2)}\n`);
      return 0;
    case 'action': {
      const view = await client.act(command.id, command.action);
      const tail = command.action === 'cancel' && view.progress.dialling > 0 ? `; ${view.progress.dialling} call(s) in progress will finish` : '';
      io.stdout.write(`Campaign ${view.id} "${view.name}" is now ${view.status}${tail}.\n`);
      return 0;
    }
  }
}
