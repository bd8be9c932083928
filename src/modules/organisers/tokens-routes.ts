/**
 * An organiser's API tokens (`/organiser/tokens`): each organiser sees and revokes only their own; a
 * new token is shown once, on the answer to its creation, and is never stored in clear.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organiserActor } from '../../core/audit/index.js';
import { t } from '../../core/i18n/index.js';
import { ActionForm, IdParams, Query, notTextErrors } from '../../core/render/boundary.js';
import { langOf, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { TokenForm } from './schemas.js';
import { requireOrganiser, signedInOrganiser } from './signed-in.js';

export default function tokenRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { auth } = app.services;

  const page = (req: FastifyRequest, reply: FastifyReply, o: { created?: string; errors?: FieldMessages } = {}, status = 200) =>
    render(req, reply, 'pages/organiser/tokens', { title: t(langOf(req), 'org.tokens'), tokens: auth.tokens(signedInOrganiser(req).id), created: o.created, errors: o.errors ?? {} }, status);

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    area.get('/organiser/tokens', { schema: { querystring: Query({}) } }, async (req, reply) => page(req, reply));

    area.post('/organiser/tokens', { schema: { body: TokenForm }, attachValidation: true }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const lang = langOf(req);
      if (req.validationError) return page(req, reply, { errors: notTextErrors(lang, req.validationError) }, 400);
      return answerForm(
        () => {
          const { token } = auth.createToken(o.id, typeof req.body?.name === 'string' ? req.body.name : '', 'api', organiserActor(o));
          // Shown once, on this response only; never stored in clear or put in a URL.
          return page(req, reply, { created: token });
        },
        (errors, status) => page(req, reply, { errors }, status),
        { lang },
      );
    });

    area.post('/organiser/tokens/:id/revoke', { schema: { params: IdParams, body: ActionForm } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      auth.revokeToken(o.id, Number(req.params.id), organiserActor(o));
      return reply.redirect('/organiser/tokens?msg=org.tokenRevoked', 303);
    });
  });
}
