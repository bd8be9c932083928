/**
 * Hub details (`/organiser/hubs`): every organiser sees the hubs; a hub's own organisers and the
 * administrators change its name, full name, coordinator and contact mailbox (the address invites
 * name as organiser and replies are passed on to). Others read them only.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertCanEditHub, canEditHub } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { t } from '../../core/i18n/index.js';
import { Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import type { Hub } from '../sessions/index.js';
import { HubForm, SlugParams } from './schemas.js';
import { requireOrganiser, signedInOrganiser } from './signed-in.js';

const hubToForm = (h: Hub) => ({ name: h.name, fullName: h.fullName ?? '', coordinator: h.coordinator ?? '', contactEmail: h.contactEmail });

export default function hubRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = app.services;

  const hubPage = (req: FastifyRequest, reply: FastifyReply, hub: Hub, o: { values?: Record<string, string | string[]>; errors?: FieldMessages } = {}, status = 200) =>
    render(
      req,
      reply,
      'pages/organiser/hub',
      { title: hub.name, hub, mayEdit: canEditHub(signedInOrganiser(req), hub.id), values: o.values ?? hubToForm(hub), errors: o.errors ?? {} },
      status,
    );

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    area.get('/organiser/hubs', { schema: { querystring: Query({}) } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const hubs = accounts.hubs().map((h) => ({ ...h, mayEdit: canEditHub(o, h.id) }));
      return render(req, reply, 'pages/organiser/hubs', { title: t(langOf(req), 'hubs.title'), hubs });
    });

    area.get('/organiser/hubs/:slug', { schema: { params: SlugParams, querystring: Query({}) } }, async (req, reply) => hubPage(req, reply, accounts.hubBySlug(req.params.slug)));

    area.post('/organiser/hubs/:slug', { schema: { params: SlugParams, body: HubForm }, attachValidation: true }, async (req, reply) => {
      const hub = accounts.hubBySlug(req.params.slug);
      const o = signedInOrganiser(req);
      const lang = langOf(req);
      assertCanEditHub(o, hub.id);
      if (req.validationError) return hubPage(req, reply, hub, { values: textValues(req.body), errors: notTextErrors(lang, req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          accounts.updateHub(o, hub.slug, body, organiserActor(o));
          req.log.info({ hubId: hub.id }, 'hub details changed');
          return reply.redirect(`/organiser/hubs/${encodeURIComponent(hub.slug)}?msg=org.saved`, 303);
        },
        (errors, status) => hubPage(req, reply, hub, { values: textValues(body), errors }, status),
        { lang },
      );
    });
  });
}
