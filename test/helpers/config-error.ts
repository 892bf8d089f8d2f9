import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors';

/** The ConfigError loadConfig refuses `env` with; a test fails if it is accepted. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, '/srv/callhook');
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}
