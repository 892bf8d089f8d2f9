#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors';
import { ApiError } from './api-client';
import { parseCommand, UsageError } from './args';
import { CliIo, InputError, runCommand } from './commands';
import type { InterruptChoice } from './watch';

const KEYS: Record<string, InterruptChoice> = {
  k: 'keep',
  c: 'cancel',
  s: 'stop',
  '\r': 'stop',
  '\n': 'stop',
  // In raw mode Ctrl-C and Ctrl-D arrive as bytes, not as a signal or end of input.
  '\u0003': 'stop',
  '\u0004': 'stop',
};
const SAID: Record<InterruptChoice, string> = { keep: 'keep watching', stop: 'stop watching', cancel: 'cancel the campaign' };

/**
 * Asks on the terminal what Ctrl-C meant, answered by one keypress (raw mode:
 * a line-based prompt needed Enter, which the prompt never said). Other keys
 * are ignored; Ctrl-C again, Enter or end of input mean stop watching.
 */
function askOnTerminal(): Promise<InterruptChoice> {
  const stdin = process.stdin;
  process.stderr.write('\nCtrl-C: press k to keep watching, s to stop watching (the campaign continues), c to cancel the campaign [s] ');
  return new Promise((resolve) => {
    const wasRaw = stdin.isRaw;
    const finish = (choice: InterruptChoice) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      process.stderr.write(`${SAID[choice]}\n`);
      resolve(choice);
    };
    const onData = (chunk: Buffer) => {
      const choice = KEYS[chunk.toString('utf8').charAt(0).toLowerCase()];
      if (choice) finish(choice);
    };
    const onEnd = () => finish('stop');
    stdin.setRawMode(true);
    stdin.on('data', onData);
    stdin.once('end', onEnd);
    stdin.resume();
  });
}

function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    progressIsTty: process.stderr.isTTY === true,
    readFile: (path) => readFile(path, 'utf8'),
    now: Date.now,
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      return () => process.off('SIGINT', handler);
    },
    ask: process.stdin.isTTY && process.stderr.isTTY ? askOnTerminal : undefined,
  };
}

/**
 * How to run this program again, for the commands it suggests: npm names the
 * script it runs in npm_lifecycle_event, and in a checkout (`npm run callhook -- …`,
 * as the docs run it) a bare `callhook` is not on the PATH.
 */
export function invokedAs(env: Record<string, string | undefined>): string {
  return env.npm_lifecycle_event === 'callhook' ? 'npm run callhook --' : 'callhook';
}

/** The whole CLI: parses, runs, and turns every failure into one line and exit status 1. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const callhook = invokedAs(env);
  try {
    const command = parseCommand(argv, env);
    if (command.kind === 'help') {
      io.stdout.write(`${command.text}\n`);
      return 0;
    }
    return await runCommand(command, { ...io, invokedAs: callhook });
  } catch (err) {
    if (err instanceof UsageError) io.stderr.write(`callhook: ${err.message} (see ${err.helpCommand.replace(/^callhook\b/, callhook)})\n`);
    else if (err instanceof ApiError || err instanceof InputError || err instanceof ConfigError) io.stderr.write(`callhook: ${err.message}\n`);
    else io.stderr.write(`callhook: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, processIo()).then((code) => {
    // exitCode rather than exit(): stdout may still be flushing into a pipe.
    process.exitCode = code;
    // The readline on stdin (after a Ctrl-C prompt) would otherwise keep the process alive.
    process.stdin.unref?.();
  });
}
