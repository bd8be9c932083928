/**
 * The email pipeline: outbox (enqueue in the caller's transaction), kinds and rendering,
 * transports, dispatcher, organiser mail view helpers.
 */
export {
  enqueue,
  ensureQueued,
  withdraw,
  retime,
  requeue,
  listMail,
  getMail,
  mailSummary,
  pauseState,
  pauseDispatch,
  resumeDispatch,
  pendingCount,
  getOutboxRow,
  messageIdFor,
  singleLine,
  validateEmailAddress,
  type OutboxWhere,
  type MailFilter,
  type MailScope,
  type MailListItem,
  type MailDetail,
  type MailSummary,
  type PauseState,
} from './queue.js';
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
export * from './types.js';
