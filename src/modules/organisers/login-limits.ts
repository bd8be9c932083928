/**
 * Failed logins counted per account (the email tried, normalised), so that guessing one
 * organiser's password from many addresses is bounded, while failures on one account never
 * block any other account. The count is kept for every email tried, whether an organiser has it
 * or not: a locked email says so the same way in both cases, and tells nothing about the account.
 *
 * Kept in memory, per process, with the injected clock; at most `maxAccounts` emails are tracked
 * (the oldest is forgotten first). Several processes each count on their own.
 */
import type { Clock } from '../../core/clock.js';

export interface AccountLimitOptions {
  /** Failed attempts allowed per account within `windowMs`; the next one is refused until the oldest leaves the window. */
  maxFailures: number;
  windowMs: number;
  /** How many accounts are tracked at most (memory bound). */
  maxAccounts: number;
}

export const DEFAULT_ACCOUNT_LIMIT: AccountLimitOptions = { maxFailures: 10, windowMs: 15 * 60_000, maxAccounts: 10_000 };

/** The account key of an email as typed: Unicode-normalised, trimmed, lower case. */
export function accountKey(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export class AccountLoginLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly o: AccountLimitOptions;

  constructor(
    private readonly clock: Clock,
    options: Partial<AccountLimitOptions> = {},
  ) {
    this.o = { ...DEFAULT_ACCOUNT_LIMIT, ...options };
  }

  get windowMs(): number {
    return this.o.windowMs;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((at) => at > now - this.o.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Until when the account is locked (epoch ms), or undefined when an attempt may be made now. */
  lockedUntil(email: string): number | undefined {
    const now = this.clock.now();
    const list = this.recent(accountKey(email), now);
    const oldestCounted = list[list.length - this.o.maxFailures];
    if (list.length < this.o.maxFailures || oldestCounted === undefined) return undefined;
    return oldestCounted + this.o.windowMs;
  }

  recordFailure(email: string): void {
    const key = accountKey(email);
    const now = this.clock.now();
    const list = this.recent(key, now);
    list.push(now);
    this.failures.delete(key); // re-inserted last: the map's order is the order of last use
    this.failures.set(key, list.slice(-this.o.maxFailures));
    while (this.failures.size > this.o.maxAccounts) {
      const oldest = this.failures.keys().next().value;
      if (oldest === undefined) break;
      this.failures.delete(oldest);
    }
  }

  /** A successful login forgets the account's earlier failures. */
  reset(email: string): void {
    this.failures.delete(accountKey(email));
  }
}
