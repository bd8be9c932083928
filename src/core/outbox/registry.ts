/**
 * Email kinds: each kind ('notice', 'confirmation', 'reminder', ...) has one renderer that turns an
 * outbox row into a subject, a text part, an HTML part and optionally a calendar invite.
 * Later issues add kinds with `registerEmailKind` (once, at start-up, next to the service that enqueues them).
 */
import { noticeRenderer, NOTICE_KIND } from '../../modules/sessions/emails.js';
import type { EmailRenderer } from './types.js';

export class EmailKindRegistry {
  private readonly renderers = new Map<string, EmailRenderer>();

  register(kind: string, renderer: EmailRenderer, options: { replace?: boolean } = {}): void {
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(kind)) throw new Error(`invalid email kind name "${kind}"`);
    if (this.renderers.has(kind) && !options.replace) throw new Error(`email kind "${kind}" is already registered`);
    this.renderers.set(kind, renderer);
  }
  get(kind: string): EmailRenderer | undefined {
    return this.renderers.get(kind);
  }
  has(kind: string): boolean {
    return this.renderers.has(kind);
  }
  kinds(): string[] {
    return [...this.renderers.keys()].sort();
  }
}

/** The registry the dispatcher uses unless it is given another one; 'notice' is built in. */
export const emailKinds = new EmailKindRegistry();
emailKinds.register(NOTICE_KIND, noticeRenderer);

/** Adds a kind to the default registry. Throws if the kind exists (pass { replace: true } to override). */
export function registerEmailKind<P>(kind: string, renderer: EmailRenderer<P>, options: { replace?: boolean } = {}): void {
  emailKinds.register(kind, renderer as EmailRenderer, options);
}
