#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ApiError } from './api-client';
import { parseCommand, UsageError } from './args';
import { CliIo, InputError, runCommand } from './commands';
import type { InterruptChoice } from './watch';

/** Asks on the terminal what Ctrl-C meant; a second Ctrl-C or end of input means stop watching. */
function askOnTerminal(): Promise<InterruptChoice> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  return new Promise((resolve) => {
    // close() emits 'close' synchronously, so the choice must be settled first.
    const done = (choice: InterruptChoice) => {
      resolve(choice);
      rl.close();
    };
    rl.on('SIGINT', () => done('stop'));
    rl.on('close', () => resolve('stop'));
    rl.question('\nCtrl-C: [k]eep watching, [s]top watching (the campaign continues), or [c]ancel the campaign? [s] ', (answer) => {
      const first = answer.trim().toLowerCase()[0];
      done(first === 'k' ? 'keep' : first === 'c' ? 'cancel' : 'stop');
    });
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

/** The whole CLI: parses, runs, and turns every failure into one line and exit status 1. */
export async function main(argv: string[], env: Record<string, string | undefined>, io: CliIo): Promise<number> {
  try {
    const command = parseCommand(argv, env);
    if (command.kind === 'help') {
      io.stdout.write(`${command.text}\n`);
      return 0;
    }
    return await runCommand(command, io);
  } catch (err) {
    if (err instanceof UsageError) io.stderr.write(`callhook: ${err.message} (see ${err.helpCommand})\n`);
    else if (err instanceof ApiError || err instanceof InputError) io.stderr.write(`callhook: ${err.message}\n`);
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
