/**
 * POST /api/v1/inbound/mail: a raw message (message/rfc822 or text/plain) handed over by a mail
 * provider's inbound webhook, with a bearer token of the `inbound` scope. The recipient is `?to=`,
 * else the first of X-Original-To, Delivered-To, To that is one of our reply or bounce addresses.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { InboundError, InboundQuery, InboundResult, RAW_MAIL_TYPES } from './schemas.js';
import type { InboundService } from './service.js';

export function inboundRoutes(instance: FastifyInstance, inbound: InboundService): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const limit = app.config.inboundMaxBytes;
  // The raw message as bytes, in this scope only; longer than INBOUND_MAX_BYTES: 413 before it is read.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser([...RAW_MAIL_TYPES], { parseAs: 'buffer', bodyLimit: limit }, (_req, body, done) => done(null, body));

  app.post(
    '/api/v1/inbound/mail',
    {
      bodyLimit: limit,
      config: { bodyTypes: RAW_MAIL_TYPES },
      schema: {
        tags: ['inbound'],
        summary: 'Hand over one received message (calendar reply, delivery report, or a person writing back)',
        description:
          'The body is the raw message exactly as received (Content-Type: message/rfc822 or text/plain), at most INBOUND_MAX_BYTES (1 MiB by default). ' +
          'The recipient is the `to` parameter, else the first of the X-Original-To, Delivered-To and To headers that is a Kairos reply (rsvp+…) or bounce (bounce+…) address. ' +
          'Needs a bearer API token with the `inbound` scope (npm run token:create -- --scope inbound). ' +
          'Answers 202 with what was done; 400 not a mail message; 401 no valid token; 403 a token without the inbound scope; 404 not one of our addresses or an unknown token; 413 too large; 422 refused as a loop (automatic mail, or mail Kairos already passed on). A refused message is stored nowhere.',
        security: [{ bearer: [] }],
        querystring: InboundQuery,
        response: { 202: InboundResult, 400: InboundError, 401: InboundError, 403: InboundError, 404: InboundError, 413: InboundError, 415: InboundError, 422: InboundError },
      },
      preHandler: async (req, reply) => {
        const h = req.headers.authorization;
        const token = h && /^Bearer\s+(\S+)$/i.exec(h)?.[1];
        if (app.services.auth.organiserForToken(token || undefined, 'inbound')) return;
        // A valid token of another scope may not hand over mail: forbidden, not unknown.
        if (app.services.auth.organiserForToken(token || undefined, 'api')) {
          return reply.code(403).send({ error: 'forbidden', message: 'this API token has not the inbound scope' });
        }
        return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized', message: 'an API token with the inbound scope is required (Authorization: Bearer …)' });
      },
    },
    async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const outcome = await inbound.receive(raw, req.query.to);
      return reply.code(202).send({ outcome });
    },
  );
}
