/**
 * Email kinds: each kind ('notice', 'confirmation', 'reminder', ...) has one renderer that turns an
 * outbox row into a subject, a text part, an HTML part and optionally a calendar invite.
 * The registry belongs to the app instance (buildApp, the worker): each feature module hands over the
 * renderers of the kinds it enqueues, and the dispatcher is given the registry. No module global.
 */
import type { EmailRenderer } from './types.js';

export class EmailKindRegistry {
  private readonly renderers = new Map<string, EmailRenderer<unknown>>();

  /** `renderer` reads the payload type its kind is enqueued with (any EmailRenderer<P> fits). */
  register(kind: string, renderer: EmailRenderer<never>, options: { replace?: boolean } = {}): void {
    if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(kind)) throw new Error(`invalid email kind name "${kind}"`);
    if (this.renderers.has(kind) && !options.replace) throw new Error(`email kind "${kind}" is already registered`);
    this.renderers.set(kind, renderer as EmailRenderer<unknown>);
  }
  get(kind: string): EmailRenderer<unknown> | undefined {
    return this.renderers.get(kind);
  }
  has(kind: string): boolean {
    return this.renderers.has(kind);
  }
  kinds(): string[] {
    return [...this.renderers.keys()].sort();
  }
}

