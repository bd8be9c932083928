/**
 * Limits on the public registration routes (the form and the JSON API), so that nobody can queue
 * thousands of emails to arbitrary addresses or fill a session from one place:
 *
 *  - per client address (`req.ip`; IPv6 by its /64): REGISTRATION_RATE_PER_IP posts a minute, the
 *    form and the API counted together;
 *  - per session: REGISTRATION_RATE_PER_SESSION posts a minute from all addresses together. Only
 *    posts the address limit let through are counted here, so one noisy address cannot use up a
 *    session's budget by itself.
 *
 * An exceeded limit is a 429 with Retry-After; the error handler answers it as an error page in the
 * page's language on the form and as JSON on the API.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requestField } from './request-field.js';

const MINUTE = 60_000;

class TooManyRequests extends Error {
  readonly statusCode = 429;
  readonly code = 'rate_limited';
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests');
  }
}

/** The onRequest hook of both registration routes; one instance per app, shared by both routes. */
export function registrationRateLimit(app: FastifyInstance): (req: FastifyRequest, reply: FastifyReply) => Promise<void> {
  // The plugin's own key: req.ip, an IPv6 address counted by its /64 (one subscriber's block).
  const perIp = app.createRateLimit({ max: app.config.registrationRatePerIp, timeWindow: MINUTE });
  const perSession = app.createRateLimit({
    max: app.config.registrationRatePerSession,
    timeWindow: MINUTE,
    keyGenerator: (req) => {
      const id = Number(requestField(req.params, 'id'));
      return `session:${Number.isSafeInteger(id) ? id : 'other'}`;
    },
  });
  return async (req, reply) => {
    for (const limit of [perIp, perSession]) {
      const r = await limit(req);
      if (!r.isAllowed && r.isExceeded) {
        reply.header('Retry-After', String(r.ttlInSeconds));
        throw new TooManyRequests(r.ttlInSeconds);
      }
    }
  };
}
