/** What a dispatcher is built from, and what one run of it reports. */
import type { Clock } from '../clock.js';
import type { DB } from '../db/open.js';
import type { EmailKindRegistry } from './registry.js';
import type { RetryPolicy } from './send-rules.js';
import type { MailTransport } from './transport.js';
import type { EmailConfig, EmailLogger } from './types.js';

export interface DispatcherOptions {
  db: DB;
  clock: Clock;
  config: EmailConfig;
  /** Default: createTransport(config) (closed by stop()). A transport passed in is not closed. */
  transport?: MailTransport;
  /** The app's email kinds: a row of a kind it does not know fails permanently. */
  registry: EmailKindRegistry;
  logger?: EmailLogger;
  /** Lease owner id; default host:pid:random. */
  owner?: string;
  /** Rows claimed per run (default 50). */
  batchSize?: number;
  /** Sends in flight at once within a run (default 5). */
  concurrency?: number;
  /** How long a claim is held before another dispatcher may take the row (default 30 s); renewed while the row is worked on. */
  leaseMs?: number;
  /** Real time between lease renewals while rows are held (default leaseMs / 3). */
  renewEveryMs?: number;
  /** How long stop() lets sends in flight finish before aborting them (default 5 s). */
  stopGraceMs?: number;
  /** Time between runs when idle (default config.dispatcherIntervalMs). */
  intervalMs?: number;
  /** How long sending pauses after an authentication or TLS failure (default 15 minutes). */
  pauseMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Random source for jitter (default Math.random). */
  random?: () => number;
}

export interface RunResult {
  claimed: number;
  sent: number;
  failed: number;
  retried: number;
  expired: number;
  withdrawn: number;
  /** Claimed rows given back uncounted because sending paused or the dispatcher stopped during the run. */
  released: number;
  /** Sending is paused (before or because of this run). */
  paused: boolean;
}
