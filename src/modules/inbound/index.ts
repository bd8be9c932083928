/**
 * Inbound mail: calendar replies, delivery reports and people writing back, through the inbound SMTP
 * listener (INBOUND_SMTP_PORT) and POST /api/v1/inbound/mail. Off unless REPLY_ADDRESS is set.
 * Outside this folder, code imports only this file.
 */
import fp from 'fastify-plugin';
import { hubRepository, sessionRepository } from '../sessions/index.js';
import { registrationRepository } from '../registrations/index.js';
import { inboundRoutes } from './routes.js';
import { InboundService } from './service.js';
import { startInboundListener, type InboundListener } from './smtp-listener.js';

export { InboundService, InboundRefusal, FORWARDED_HEADER, type InboundOutcome } from './service.js';
export { startInboundListener, type InboundListener } from './smtp-listener.js';
export { registerInboundEmailKinds, FORWARD_KIND } from './emails.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The inbound SMTP listener, when INBOUND_SMTP_PORT is set (started when the app is ready). */
    inboundListener: InboundListener | null;
  }
}

export default fp(
  async (app) => {
    const { config, services } = app;
    const log = app.log.child({ module: 'inbound' });
    const inbound = new InboundService({
      db: services.db,
      clock: services.clock,
      config,
      secret: services.secret,
      registrations: services.registrations,
      registrationRepo: registrationRepository(services.db),
      sessionRepo: sessionRepository(services.db),
      hubRepo: hubRepository(services.db),
      log,
    });
    await app.register((scope, _opts, done) => {
      inboundRoutes(scope, inbound);
      done();
    });
    app.decorate('inboundListener', null);
    if (config.inboundSmtpPort !== undefined && inbound.enabled) {
      const port = config.inboundSmtpPort;
      app.addHook('onReady', async () => {
        app.inboundListener = await startInboundListener(inbound, { host: config.inboundSmtpHost, port, maxBytes: config.inboundMaxBytes, log });
        log.info({ port: app.inboundListener.port }, 'inbound SMTP listener ready');
      });
      app.addHook('onClose', async () => {
        await app.inboundListener?.close();
        app.inboundListener = null;
      });
    }
  },
  { name: 'inbound', dependencies: ['core', 'organisers', 'sessions', 'registrations'] },
);
