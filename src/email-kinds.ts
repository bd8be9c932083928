/**
 * Every email kind this application sends, in one registry owned by the app instance (buildApp, the
 * worker, tests). Each feature module hands over the renderers of the kinds it enqueues.
 */
import { EmailKindRegistry } from './core/outbox/index.js';
import { registerCallEmailKinds } from './modules/calls/index.js';
import { registerInboundEmailKinds } from './modules/inbound/index.js';
import { registerAccountEmailKinds } from './modules/organisers/index.js';
import { registerPollEmailKinds } from './modules/polls/index.js';
import { registerPersonalEmailKinds } from './modules/registrations/index.js';
import { registerNoticeEmailKind } from './modules/sessions/index.js';

export function createEmailKinds(): EmailKindRegistry {
  const registry = new EmailKindRegistry();
  registerNoticeEmailKind(registry);
  registerPersonalEmailKinds(registry);
  registerPollEmailKinds(registry);
  registerInboundEmailKinds(registry);
  registerAccountEmailKinds(registry);
  registerCallEmailKinds(registry);
  return registry;
}
