import type { Clock } from '../../core/clock.js';
import type { RegistrationService } from './service.js';

export interface MaintenanceResult {
  expiredHolds: number;
  promoted: number;
  anonymised: number;
}

/**
 * Periodic housekeeping, driven by the injected clock: pending seats whose hold ran out go to the
 * waitlist, and registrations past the retention period are anonymised. Runs in the server (and in
 * `npm run worker`); every step is idempotent, so two processes running it at once do no harm.
 */
export class MaintenanceService {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registrations: RegistrationService,
    private readonly clock: Clock,
    private readonly log?: { error(obj: object, msg?: string): void; info(obj: object, msg?: string): void },
  ) {}

  runOnce(): MaintenanceResult {
    const { expired, promoted } = this.registrations.expireHolds();
    const anonymised = this.registrations.anonymiseExpired();
    if (expired || anonymised) this.log?.info({ expired, promoted, anonymised, at: this.clock.now() }, 'maintenance');
    return { expiredHolds: expired, promoted, anonymised };
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
