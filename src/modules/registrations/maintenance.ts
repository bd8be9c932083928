import type { AuditWriter } from '../../core/audit/index.js';
import type { Clock } from '../../core/clock.js';
import type { RegistrationService } from './service.js';

export interface MaintenanceResult {
  expiredHolds: number;
  promoted: number;
  anonymised: number;
  /** Audit log entries deleted for being older than the retention period. */
  auditPruned: number;
  /** Other people's data erased for the same period (e.g. proposers of case studies). */
  othersErased: number;
}

/** Another module's personal data under the same retention period: erases what ended before `before`, returns how much. */
export type RetentionTask = (before: number) => number;

/** What else is kept for the retention period (RETENTION_DAYS) of registrations: the audit log, and other people's data. */
export interface Retention {
  retentionDays: number;
  audit: AuditWriter;
  /** Other modules' personal data under the same period (e.g. proposers of case studies). */
  others?: readonly RetentionTask[];
}

/**
 * Periodic housekeeping, driven by the injected clock: pending seats whose hold ran out go to the
 * waitlist, registrations past the retention period are anonymised, and audit log entries older
 * than it are deleted. Runs in the server (and in `npm run worker`); every step is idempotent, so
 * two processes running it at once do no harm.
 */
export class MaintenanceService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registrations: RegistrationService,
    private readonly clock: Clock,
    private readonly log?: { error(obj: object, msg?: string): void; info(obj: object, msg?: string): void },
    private readonly retention?: Retention,
  ) {}

  runOnce(): MaintenanceResult {
    const { expired, promoted } = this.registrations.expireHolds();
    const anonymised = this.registrations.anonymiseExpired();
    const r = this.retention;
    const before = r ? this.clock.now() - r.retentionDays * 86_400_000 : 0;
    const auditPruned = r ? r.audit.pruneBefore(before) : 0;
    const othersErased = (r?.others ?? []).reduce((n, task) => n + task(before), 0);
    if (expired || anonymised || auditPruned || othersErased) this.log?.info({ expired, promoted, anonymised, auditPruned, othersErased, at: this.clock.now() }, 'maintenance');
    return { expiredHolds: expired, promoted, anonymised, auditPruned, othersErased };
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    const tick = () => {
      try {
        this.runOnce();
      } catch (err) {
        this.log?.error({ err }, 'maintenance failed');
      }
    };
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
    tick();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
