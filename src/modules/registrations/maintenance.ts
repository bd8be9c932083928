import type { AuditWriter } from '../../core/audit/index.js';
import type { Clock } from '../../core/clock.js';
import type { RegistrationService } from './service.js';

export interface MaintenanceResult {
  expiredHolds: number;
  promoted: number;
  anonymised: number;
  /** Audit log entries deleted for being older than the retention period. */
  auditPruned: number;
}

/** The audit log kept for the same retention period (RETENTION_DAYS) as registrations. */
export interface AuditRetention {
  audit: AuditWriter;
  retentionDays: number;
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
    private readonly auditRetention?: AuditRetention,
  ) {}

  runOnce(): MaintenanceResult {
    const { expired, promoted } = this.registrations.expireHolds();
    const anonymised = this.registrations.anonymiseExpired();
    const r = this.auditRetention;
    const auditPruned = r ? r.audit.pruneBefore(this.clock.now() - r.retentionDays * 86_400_000) : 0;
    if (expired || anonymised || auditPruned) this.log?.info({ expired, promoted, anonymised, auditPruned, at: this.clock.now() }, 'maintenance');
    return { expiredHolds: expired, promoted, anonymised, auditPruned };
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
