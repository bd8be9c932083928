/**
 * The outbox engine: the queue (enqueue in the caller's transaction), the kind registry owned by
 * the app, rendering helpers, transports and the leased dispatcher. It knows no feature: each
 * module hands its renderers to the app's registry. (The organiser's mail page is modules/mail.)
 */
export {
  enqueue,
  ensureQueued,
  withdraw,
  retime,
  requeue,
  pauseState,
  pauseDispatch,
  resumeDispatch,
  pendingCount,
  getOutboxRow,
  dispatchTimes,
  type OutboxWhere,
  type PauseState,
} from './queue.js';
export { messageIdFor } from './message-id.js';
export { validateEmailAddress } from '../email-address.js';
export { Dispatcher, DEFAULT_RETRY, messageIdHost, type DispatcherOptions, type RetryPolicy, type RunResult } from './dispatcher.js';
export {
  createTransport,
  createSmtpTransport,
  createLocalTransport,
  classifySendError,
  scrubAddresses,
  type MailTransport,
  type OutgoingEmail,
  type SendResult,
  type TransportOptions,
  type ClassifiedError,
} from './transport.js';
export { EmailKindRegistry } from './registry.js';
export { renderLayout, cleanText, EMAIL_VIEWS, type EmailBlock, type EmailContent } from './layout.js';
export { redactPaths } from './log.js';
export { PERSONAL_LINK_MARKER, redactCalendar, redactPersonalLinks, redactRendered } from './redact.js';
export { UNDELIVERABLE_REASON, forgetUndeliverable, markUndeliverable, undeliverable } from './undeliverable.js';
export * from './types.js';
