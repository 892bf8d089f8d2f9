import type { DatabaseKind } from './databases';
import type { Progress } from './progress';

/** What every benchmark gets from bench/run.ts. */
export interface BenchContext {
  progress: Progress;
  databases: DatabaseKind[];
  postgresUrl: string;
  /** Shorter runs and smaller campaigns, for trying the harness out; figures are then not the reference ones. */
  quick: boolean;
  /** How every callhook process is started: node flags (e.g. --cpu-prof) and extra environment; empty normally. */
  service: { execArgv?: string[]; env?: Record<string, string> };
}
