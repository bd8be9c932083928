import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n/index.js';
import type { Audience } from './repository.js';
import { AUDIENCES } from './service.js';
import { langOf, render } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { ActionForm, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { answerForm } from '../../core/render/form.js';
import { organiserActor } from '../../core/audit/index.js';
import { FollowupParams, FollowupForm } from './schemas.js';

type Params = { id: string; audience?: string };

export default function followupRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, followups } = app.services;

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    const audienceOf = (raw: string | undefined): Audience => {
      if (!AUDIENCES.includes(raw as Audience)) throw new AppError('not_found', 'no such audience', 404);
      return raw as Audience;
    };

    const page = async (req: FastifyRequest & { params: Params }, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
      const lang = langOf(req);
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'followups.manage');
      const next = followups.nextInSeries(session);
      const ended = session.endUtc !== null && session.endUtc <= app.services.clock.now();
      return render(
        req,
        reply,
        'pages/organiser/followups',
        {
          title: `${t(lang, 'fu.title')}: ${session.title}`,
          session,
          ended,
          next,
          audiences: AUDIENCES.map((audience) => {
            const saved = followups.get(session.id, audience);
            return {
              audience,
              saved,
              values: saved ?? { subject: '', body: '', inviteNext: !!next },
              recipients: followups.recipients(session, audience).length,
              withoutConsent: followups.withoutConsent(session, audience),
              errors: {},
            };
          }),
          ...extra,
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/followups', { schema: { params: FollowupParams, querystring: Query({}) } }, async (req, reply) => page(req, reply));

    area.post('/organiser/sessions/:id/followups/:audience', { schema: { params: FollowupParams, body: FollowupForm }, attachValidation: true }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'followups.manage');
      const audience = audienceOf(req.params.audience);
      if (req.validationError) {
        const values = textValues(req.body);
        return page(req, reply, { failed: { audience, values: { ...values, inviteNext: values.inviteNext === 'on' }, errors: notTextErrors(langOf(req), req.validationError) } }, 400);
      }
      return answerForm(
        () => {
          followups.save(session, audience, req.body ?? {});
          return reply.redirect(`/organiser/sessions/${session.id}/followups?msg=fu.saved#fu-${audience}`, 303);
        },
        (errors, status) => page(req, reply, { failed: { audience, values: { ...req.body, inviteNext: req.body?.inviteNext === 'on' }, errors } }, status),
        { lang: langOf(req) },
      );
    });

    area.get('/organiser/sessions/:id/followups/:audience/preview', { schema: { params: FollowupParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'followups.manage');
      const audience = audienceOf(req.params.audience);
      const lang = langOf(req);
      // The organiser sees the recipient's personal links as markers, never the links themselves.
      const { preview, sample } = await followups.preview(session, audience, app.emailKinds);
      return render(req, reply, 'pages/organiser/followup-preview', { title: t(lang, 'fu.preview'), session, audience, preview, sample });
    });

    area.post('/organiser/sessions/:id/followups/:audience/send', { schema: { params: FollowupParams, body: ActionForm } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'followups.manage');
      const audience = audienceOf(req.params.audience);
      const result = followups.send(session, audience, organiserActor(o));
      req.log.info({ sessionId: session.id, audience, queued: result.queued }, 'follow-up queued');
      return reply.redirect(`/organiser/sessions/${session.id}/followups?msg=fu.sent#fu-${audience}`, 303);
    });
  });
}
