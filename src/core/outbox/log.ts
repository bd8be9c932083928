/**
 * Logging rules for personal data: log row ids, kinds and codes, never addresses, names or tokens.
 * `redactPaths` is for pino's `redact` option (the app and the worker both use it).
 */
export const redactPaths: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'email',
  'token',
  'password',
  'recipient',
  'recipientEmail',
  'recipient_email',
  'recipientName',
  'recipient_name',
  '*.email',
  '*.token',
  '*.password',
  '*.passwordHash',
  '*.password_hash',
  '*.to',
  '*.recipient',
  '*.recipientEmail',
  '*.recipient_email',
  '*.recipientName',
  '*.recipient_name',
  '*.smtpUrl',
  '*.sessionSecret',
  'req.body.email',
  'req.body.password',
  'req.body.token',
  'req.query.token',
];

export type { EmailLogger } from './types.js';
