import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { undeliverable } from '../../core/outbox/index.js';
import { t, tKey } from '../../core/i18n/index.js';
import { ORG_TYPES, type OrgType, type RegistrationFilter, type RegistrationStatus } from './repository.js';
import { countryName } from '../sessions/index.js';
import { toCsv } from '../../core/csv.js';
import { formatInZone } from '../../core/time/index.js';
import { langOf, render } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser, type Organiser } from '../organisers/index.js';
import { ActionForm, Params, type Query, Text, notTextErrors, textValues } from '../../core/render/boundary.js';
import { mayOn } from '../sessions/index.js';
import { answerForm } from '../../core/render/form.js';
import { personalScope } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { formToRegistration, registrationFormData } from './routes.js';
import { RegistrationForm } from './schemas.js';
import { RegQuery, SessionParams, MessageForm, QuestionForm } from './schemas.js';

type Query = { status?: string; hub?: string; country?: string; orgType?: string };
const STATUSES: RegistrationStatus[] = ['confirmed', 'pending', 'waitlisted', 'cancelled', 'expired'];

function filterOf(q: Query): RegistrationFilter {
  const f: RegistrationFilter = {};
  if (STATUSES.includes(q.status as RegistrationStatus)) f.status = q.status as RegistrationStatus;
  if (q.hub === 'none') f.hubId = 'none';
  else if (q.hub && /^\d+$/.test(q.hub)) f.hubId = Number(q.hub);
  if (q.country && /^[A-Z]{2}$/.test(q.country)) f.country = q.country;
  if (ORG_TYPES.includes(q.orgType as OrgType)) f.orgType = q.orgType as OrgType;
  return f;
}

export default function organiserRegistrationRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, registrations, questions } = app.services;

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    const page = async (req: FastifyRequest & { params: { id: string }; query: Query }, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
      const o = signedInOrganiser(req);
      const lang = langOf(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'registrations.read');
      const scope = personalScope(o, session);
      const filter = filterOf(req.query ?? {});
      const hubs = sessions.hubs();
      const hubName = new Map(hubs.map((h) => [h.id, h.name]));
      const list = registrations.list(session.id, scope, filter);
      const dims = (d: 'country' | 'hub_id' | 'org_type') => {
        const m = new Map<string, { key: string; label: string; confirmed: number; waitlisted: number; pending: number; cancelled: number }>();
        for (const row of registrations.countsBy(session.id, d, scope)) {
          const key = String(row.key ?? 'none');
          const label = d === 'country' ? countryName(String(row.key), lang) : d === 'hub_id' ? (row.key === null ? t(lang, 'reg.hubNone') : hubName.get(Number(row.key)) ?? '?') : tKey(lang, `orgType.${row.key}`, 'orgType.other');
          const e = m.get(key) ?? { key, label, confirmed: 0, waitlisted: 0, pending: 0, cancelled: 0 };
          if (row.status === 'confirmed' || row.status === 'waitlisted' || row.status === 'pending') e[row.status] += row.n;
          else e.cancelled += row.n;
          m.set(key, e);
        }
        return [...m.values()].sort((a, b) => b.confirmed - a.confirmed || a.label.localeCompare(b.label));
      };
      const query = new URLSearchParams(Object.entries(req.query ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')).toString();
      return render(
        req,
        reply,
        'pages/organiser/registrations',
        {
          title: `${t(lang, 'orgreg.title')}: ${session.title}`,
          session,
          may: mayOn(o, session),
          filter: req.query ?? {},
          query,
          rows: list.map((r) => ({
            r,
            hub: r.hubId === null ? '' : hubName.get(r.hubId) ?? '',
            countryLabel: countryName(r.country, lang),
            position: r.status === 'waitlisted' ? registrations.waitlistPosition(r.id) : undefined,
            registeredAt: formatInZone(r.createdAt, o.zone, lang, 'medium'),
            undeliverable: r.email ? undeliverable(app.services.db, r.email)?.statusCode : undefined,
          })),
          counts: registrations.statusCounts(session.id),
          // "Give a place" is offered only when a place is free.
          placeFree: session.capacity === null || registrations.seatsTaken(session.id) < session.capacity,
          byCountry: dims('country'),
          byHub: dims('hub_id'),
          byOrgType: dims('org_type'),
          statuses: STATUSES,
          questions: questions.list(session.id),
          addForm: { values: { language: session.language, zone: session.zone, orgType: '', country: '', hubId: '' }, errors: {}, ...registrationFormData(app, req, session) },
          questionErrors: {},
          messageErrors: {},
          messageValues: {},
          ...extra,
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/registrations', { schema: { params: SessionParams, querystring: RegQuery } }, async (req, reply) => page(req, reply));

    area.get('/organiser/sessions/:id/registrations.csv', { schema: { params: SessionParams, querystring: RegQuery } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'registrations.read');
      const hubName = new Map(sessions.hubs().map((h) => [h.id, h.name]));
      const asked = questions.list(session.id);
      const rows = registrations.exportList(session, personalScope(o, session), filterOf(req.query ?? {}), organiserActor(o)).map((r) => [
        r.id,
        r.status,
        r.name,
        r.email ?? '',
        r.organisation,
        r.orgType,
        r.hubId === null ? '' : hubName.get(r.hubId) ?? '',
        r.country,
        r.language,
        r.zone,
        r.followupConsent ? 'yes' : 'no',
        new Date(r.createdAt).toISOString(),
        ...asked.map((q) => r.answers[String(q.id)] ?? ''),
      ]);
      const header = ['id', 'status', 'name', 'email', 'organisation', 'organisation_type', 'hub', 'country', 'language', 'time_zone', 'follow_up_consent', 'registered_at_utc', ...asked.map((q) => q.label)];
      req.log.info({ sessionId: session.id, rows: rows.length }, 'registrations exported');
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="registrations-${session.id}.csv"`)
        .header('Cache-Control', 'no-store')
        .send(toCsv(header, rows));
    });

    area.post('/organiser/sessions/:id/registrations', { schema: { params: SessionParams, querystring: RegQuery, body: RegistrationForm }, attachValidation: true }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'registrations.manage');
      if (req.validationError) {
        const errors = notTextErrors(langOf(req), req.validationError);
        return page(req, reply, { addForm: { values: { language: session.language, zone: session.zone, ...textValues(req.body) }, errors, ...registrationFormData(app, req, session) } }, 400);
      }
      const input = formToRegistration(req.body ?? {});
      return answerForm(
        () => {
          registrations.register(session.id, input, 'organiser', organiserActor(o));
          return reply.redirect(`/organiser/sessions/${session.id}/registrations?msg=orgreg.added`, 303);
        },
        (errors, status) => page(req, reply, { addForm: { values: { ...input, ...(input.answers as object) }, errors, ...registrationFormData(app, req, session) } }, status),
        { lang: langOf(req), statuses: [400, 409] },
      );
    });

    const regAction = (path: string, act: (regId: number, o: Organiser) => void, msg: string) =>
      area.post(`/organiser/sessions/:id/registrations/:rid/${path}`, { schema: { params: Params({ id: Text, rid: Text }), querystring: RegQuery, body: ActionForm } }, async (req, reply) => {
        const o = signedInOrganiser(req);
        const session = sessions.getManaged(Number(req.params.id), o, 'registrations.manage');
        const reg = registrations.get(Number(req.params.rid));
        if (reg.sessionId !== session.id) throw new AppError('not_found', 'registration not found', 404);
        return answerForm(
          () => {
            act(reg.id, o);
            return reply.redirect(`/organiser/sessions/${session.id}/registrations?msg=${msg}`, 303);
          },
          // The page again, saying why (the session filled up, the person already left), status 409.
          (errors, status) => page(req, reply, { actionErrors: errors }, status),
          { lang: langOf(req), statuses: [409] },
        );
      });
    regAction('cancel', (id, o) => registrations.cancel(registrations.get(id), 'organiser', organiserActor(o)), 'orgreg.cancelled');
    regAction('promote', (id, o) => registrations.moveFromWaitlist(id, organiserActor(o)), 'orgreg.promoted');

    area.post('/organiser/sessions/:id/message', { schema: { params: SessionParams, querystring: RegQuery, body: MessageForm }, attachValidation: true }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'registrations.message');
      if (req.validationError) return page(req, reply, { messageErrors: notTextErrors(langOf(req), req.validationError), messageValues: textValues(req.body) }, 400);
      return answerForm(
        () => {
          const n = registrations.message(session.id, req.body ?? {}, personalScope(o, session), organiserActor(o));
          req.log.info({ sessionId: session.id, recipients: n }, 'message queued');
          return reply.redirect(`/organiser/sessions/${session.id}/registrations?msg=orgreg.messageSent`, 303);
        },
        (messageErrors, status) => page(req, reply, { messageErrors, messageValues: req.body ?? {} }, status),
        { lang: langOf(req) },
      );
    });

    area.post('/organiser/sessions/:id/questions', { schema: { params: SessionParams, querystring: RegQuery, body: QuestionForm }, attachValidation: true }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'registrations.manage');
      if (req.validationError) return page(req, reply, { questionErrors: notTextErrors(langOf(req), req.validationError), questionValues: textValues(req.body) }, 400);
      const b = req.body ?? {};
      return answerForm(
        () => {
          questions.add(session.id, b);
          return reply.redirect(`/organiser/sessions/${session.id}/registrations?msg=orgreg.questionAdded`, 303);
        },
        (questionErrors, status) => page(req, reply, { questionErrors, questionValues: b }, status),
        { lang: langOf(req) },
      );
    });

    area.post('/organiser/sessions/:id/questions/:qid/delete', { schema: { params: Params({ id: Text, qid: Text }), body: ActionForm } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'registrations.manage');
      questions.remove(session.id, Number(req.params.qid));
      return reply.redirect(`/organiser/sessions/${session.id}/registrations?msg=orgreg.questionDeleted`, 303);
    });
  });
}
