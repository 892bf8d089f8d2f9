import type { Connection } from './args';
import { InputError, type CliIo } from './commands';

export const API_KEY_FLAG_WARNING =
  'callhook: warning: --api-key shows the key to every user of this machine (ps, /proc) and in shell history; use CALLHOOK_API_KEY or --api-key-file instead\n';

/** The key to send: from --api-key-file when given (first line, trimmed), else as parsed; warns when it came from the command line. */
export async function resolveApiKey(io: CliIo, connection: Connection): Promise<string> {
  if (connection.apiKeyOnCommandLine) io.stderr.write(API_KEY_FLAG_WARNING);
  if (connection.apiKeyFile === undefined) return connection.apiKey;
  let text: string;
  try {
    text = await io.readFile(connection.apiKeyFile);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new InputError(`cannot read --api-key-file ${connection.apiKeyFile}: ${e.code ?? e.message}`);
  }
  const key = text.split(/\r?\n/)[0].trim();
  if (!key) throw new InputError(`--api-key-file ${connection.apiKeyFile} is empty`);
  return key;
}
