import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answerForm } from '../../core/render/form.js';
import { errorMessage, isLanguage, t } from '../../core/i18n/index.js';
import { countryName } from '../sessions/index.js';
import { formatInZone } from '../../core/time/index.js';
import { langOf, render, personalPage } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { IdParams, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { mayOn, type Session } from '../sessions/index.js';
import { personalScope } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { ImportForm, JoinParams, MarkForm, MarkParams } from './schemas.js';

export default function attendanceRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { attendance, sessions, registrations } = app.services;

  // The personal join link in emails: records the first join inside the session window, then
  // redirects to the meeting. Outside the window it only says when the link opens.
  app.get('/join/:token', { schema: { params: JoinParams, querystring: Query({}) } }, async (req, reply) => {
    const result = attendance.join(req.params.token);
    personalPage(reply);
    if (result.kind === 'redirect') return reply.redirect(await attendance.roomAddress(result), 302);
    const lang = isLanguage(result.reg.language) ? result.reg.language : langOf(req);
    const message =
      result.kind === 'early'
        ? Number.isNaN(result.opensAt)
          ? t(lang, 'join.noDate')
          : t(lang, 'join.early', { time: formatInZone(result.opensAt, result.reg.zone, lang) })
        : result.kind === 'ended'
          ? t(lang, 'join.ended')
          : t(lang, 'join.noUrl');
    return render(req, reply, 'pages/join', { title: result.session.title, session: result.session, message, lang });
  });

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    const recordableFromText = (session: Session, zone: string, lang: string) => {
      const from = attendance.recordableFrom(session);
      return from === undefined ? t(lang, 'att.notYetUndated') : t(lang, 'att.notYet', { time: formatInZone(from, zone, lang) });
    };

    const page = async (req: FastifyRequest & { params: { id: string } }, reply: FastifyReply, extra: Record<string, unknown> = {}, status = 200) => {
      const lang = langOf(req);
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'attendance.mark');
      const scope = personalScope(o, session);
      const summary = attendance.summary(session.id, scope);
      return render(
        req,
        reply,
        'pages/organiser/attendance',
        {
          title: `${t(lang, 'att.title')}: ${session.title}`,
          session,
          may: mayOn(o, session),
          summary: {
            ...summary,
            byCountry: summary.byCountry.map((b) => ({ ...b, label: countryName(b.label, lang) })),
            byHub: summary.byHub.map((b) => ({ ...b, label: b.label || t(lang, 'reg.hubNone') })),
          },
          people: registrations.list(session.id, scope, { status: 'confirmed' }),
          // Before the join links open nobody has attended: nothing to mark or import yet.
          recordable: attendance.recordable(session),
          recordableFrom: recordableFromText(session, o.zone, lang),
          importResult: undefined,
          errors: {},
          ...extra,
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/attendance', { schema: { params: IdParams, querystring: Query({}) } }, async (req, reply) => page(req, reply));

    area.post('/organiser/sessions/:id/attendance/:rid', { schema: { params: MarkParams, body: MarkForm } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'attendance.mark');
      attendance.mark(session.id, Number(req.params.rid), req.body?.attended === 'yes', personalScope(o, session), organiserActor(o));
      return reply.redirect(`/organiser/sessions/${session.id}/attendance?msg=att.saved`, 303);
    });

    area.post('/organiser/sessions/:id/attendance/import', { schema: { params: IdParams, body: ImportForm }, attachValidation: true }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), o, 'attendance.import');
      if (req.validationError) return page(req, reply, { errors: notTextErrors(langOf(req), req.validationError), csvValue: textValues(req.body).csv ?? '' }, 400);
      return answerForm(
        () => page(req, reply, { importResult: attendance.importCsv(session.id, typeof req.body?.csv === 'string' ? req.body.csv : '', organiserActor(o)) }),
        (errors, status) => page(req, reply, { errors, csvValue: req.body?.csv ?? '' }, status),
        // Every refusal of the file is shown beside its one field.
        { lang: langOf(req), messages: (lang, err) => ({ csv: errorMessage(lang, err.code) }) },
      );
    });
  });
}
