import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { LANGUAGES, LANGUAGE_NAMES, t, tKey } from '../../core/i18n/index.js';
import { ORG_TYPES, type Registration } from './repository.js';
import type { Hub, Session } from '../sessions/index.js';
import { can, canPropose } from '../../core/access/index.js';
import { mayOn } from '../sessions/index.js';
import { calendarLinks } from '../sessions/index.js';
import { personalCalendarLinks } from './calendar-routes.js';
import { countryOptions } from '../sessions/index.js';
import { sessionTimes } from '../sessions/index.js';
import { PRIVACY_VERSION, type RegistrationInput } from './validate.js';
import { likelyZone } from '../../core/time/index.js';
import { zoneOptions } from '../../core/render/zone-options.js';
import { langOf, render, viewerZoneKnown, viewerZoneOf, personalLang, personalPage } from '../../core/render/context.js';
import { organiserOf } from '../organisers/index.js';
import { answerForm } from '../../core/render/form.js';
import { ActionForm, IdParams, Query, Text, notTextErrors, textValues } from '../../core/render/boundary.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { registrationRateLimit } from '../../core/render/rate-limits.js';
import { RegistrationForm, TokenParams, PreferencesForm } from './schemas.js';
import { mustExist } from '../../core/errors.js';
import { shownMaterials } from '../materials/index.js';
import { agendaView } from '../agenda/index.js';
import { openCallNotice } from '../calls/index.js';

type FormBody = Record<string, unknown>;
const one = (b: FormBody, k: string): string | undefined => {
  const v = Array.isArray(b[k]) ? (b[k] as unknown[])[0] : b[k];
  return typeof v === 'string' ? v : undefined;
};

/** The registration form's fields (custom answers come as q<ID>, checked as text too). */


/** The message shown for an outcome: a pending registration that holds no seat yet has its own. */
function outcomeKey(outcome: string, seatHeld: boolean | undefined): string {
  return outcome === 'pending' && seatHeld === false ? 'unheld' : outcome;
}

/** Form fields → service input; custom answers come as q<ID>. */
export function formToRegistration(b: FormBody): RegistrationInput {
  const answers: Record<string, string> = {};
  for (const k of Object.keys(b)) if (/^q\d+$/.test(k)) answers[k] = one(b, k) ?? '';
  return {
    name: one(b, 'name') ?? '',
    email: one(b, 'email') ?? '',
    organisation: one(b, 'organisation') ?? '',
    orgType: one(b, 'orgType') ?? '',
    hubId: one(b, 'hubId') ?? '',
    country: one(b, 'country') ?? '',
    language: one(b, 'language') ?? '',
    zone: one(b, 'zone') ?? '',
    consent: one(b, 'consent') ?? '',
    followupConsent: one(b, 'followupConsent') ?? '',
    answers,
  };
}

/** What the registration form needs besides the values. */
export function registrationFormData(app: FastifyInstance, req: FastifyRequest, session: Session, hubs: Hub[] = app.services.sessions.hubs()) {
  const lang = langOf(req);
  return {
    hubs,
    countries: countryOptions(lang),
    zones: zoneOptions(lang, app.services.clock.now()),
    orgTypes: ORG_TYPES,
    regLanguages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
    questions: app.services.questions.list(session.id),
    privacyVersion: PRIVACY_VERSION,
  };
}

/** The session page, with the registration form (values and errors when shown again). */
export async function renderSessionPage(app: FastifyInstance, req: FastifyRequest, reply: FastifyReply, session: Session, form: { values?: Record<string, unknown>; errors?: Record<string, string> } = {}, status = 200) {
  const { sessions, registrations } = app.services;
  const lang = langOf(req);
  const organiser = organiserOf(req);
  const zone = viewerZoneOf(req, organiser?.zone ?? session.zone);
  // Every hub in one query: the organiser, the co-hosts and the form's list all come from it.
  const hubs = sessions.hubs();
  const hubById = new Map(hubs.map((h) => [h.id, h]));
  const hub = mustExist(hubById.get(session.hubId), 'hub');
  const call = app.services.calls.forSession(session.id);
  let open = true;
  try {
    registrations.assertOpen(session);
  } catch {
    open = false;
  }
  return render(
    req,
    reply,
    'pages/session',
    {
      title: session.title,
      session,
      hub,
      coHosts: session.coHostIds.flatMap((id) => hubById.get(id) ?? []),
      series: session.seriesId === null ? undefined : sessions.series(session.seriesId),
      times: sessionTimes(session, zone, lang),
      // "Your time zone" only when it is: the browser said so, or the signed-in organiser chose it.
      zoneIsViewers: viewerZoneKnown(req) || organiser !== undefined,
      canManage: organiser ? can(organiser, 'session.read', session) : false,
      may: organiser ? mayOn(organiser, session) : undefined,
      registrationOpen: open,
      // The text these links put into a calendar is in the page's language (the reader's).
      calendarLinks: calendarLinks(app.config, session, hub, { language: lang }),
      // Only the public materials: this page is the same for every visitor (kept for all who are not signed in).
      materials: shownMaterials(app.services.materials.publicOf(session.id), lang),
      // The agenda in the viewer's zone and the nine places: the same for every visitor of a language and zone.
      agenda: agendaView(session, app.services.agenda.list(session.id), zone, lang),
      // Only an organiser who may mend it is told that the agenda runs past the end (never a kept page).
      agendaOverrun: organiser && can(organiser, 'agenda.manage', session),
      // An open call for case studies, its deadline in the call's zone (named): the same for every visitor.
      callNotice: openCallNotice(call, call && app.services.calls.state(call), lang),
      // A signed-in organiser of any hub is offered the proposal form (pages for them are never kept).
      canPropose: organiser ? canPropose(organiser) : false,
      // Seats taken: confirmed ones and the holds of unconfirmed registrations that have not run out.
      seatsLeft: session.capacity === null ? null : Math.max(0, session.capacity - registrations.seatsTaken(session.id)),
      form: {
        // The zone field starts at the zone the browser's language most likely means (the page's script then puts the browser's own).
        values: { language: lang, zone: viewerZoneKnown(req) || organiser ? zone : likelyZone(req.headers['accept-language']) ?? zone, orgType: '', country: '', hubId: '', ...(form.values ?? {}) },
        errors: form.errors ?? {},
        ...registrationFormData(app, req, session, hubs),
      },
    },
    status,
  );
}


export default function registrationRoutes(instance: FastifyInstance): void {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { registrations, sessions } = app.services;
  // One budget per client address for the form and the API together, and one per session.
  const registrationLimit = registrationRateLimit(app);

  // ?prefill=<manage token of an earlier registration> (the one-click link in a follow-up email):
  // the form is filled from that registration; consent is still asked for.
  app.get('/sessions/:id', { config: { memo: true }, schema: { params: IdParams, querystring: Query({ prefill: Type.Optional(Text) }) } }, async (req, reply) => {
    const session = sessions.get(Number(req.params.id));
    let values: Record<string, unknown> | undefined;
    if (typeof req.query.prefill === 'string') {
      try {
        const r = registrations.byToken(req.query.prefill);
        values = { name: r.name, email: r.email, organisation: r.organisation, orgType: r.orgType, hubId: r.hubId ?? '', country: r.country, language: r.language, zone: r.zone };
        reply.header('Cache-Control', 'no-store, private');
      } catch {
        values = undefined;
      }
    }
    return renderSessionPage(app, req, reply, session, { values });
  });

  // A field sent as something other than text (a list, or an object from a non-form body) shows the
  // form again with the message beside that field; nothing is registered.
  app.post('/sessions/:id/register', { onRequest: registrationLimit, schema: { params: IdParams, body: RegistrationForm }, attachValidation: true }, async (req, reply) => {
    const session = sessions.get(Number(req.params.id));
    if (req.validationError) {
      return renderSessionPage(app, req, reply, session, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
    }
    const input = formToRegistration(req.body ?? {});
    return answerForm(
      () => {
        const { outcome, seatHeld } = registrations.register(session.id, input, 'form');
        return reply.redirect(`/sessions/${session.id}/registered?outcome=${outcomeKey(outcome, seatHeld)}`, 303);
      },
      (errors, status) => renderSessionPage(app, req, reply, session, { values: { ...input, ...(input.answers as Record<string, string>) }, errors }, status),
      { lang: langOf(req), statuses: [400, 409] },
    );
  });

  app.get('/sessions/:id/registered', { schema: { params: IdParams, querystring: Query({ outcome: Type.Optional(Text) }) } }, async (req, reply) => {
    const session = sessions.get(Number(req.params.id));
    const outcome = ['pending', 'unheld', 'confirmed', 'waitlisted', 'duplicate'].includes(req.query.outcome ?? '') ? req.query.outcome : 'pending';
    return render(req, reply, 'pages/registered', { title: tKey(langOf(req), `reg.outcome.${outcome}.title`, 'reg.outcome.pending.title'), session, outcome });
  });

  app.get('/privacy', { config: { memo: true }, schema: { querystring: Query({}) } }, async (req, reply) => render(req, reply, 'pages/privacy', { title: t(langOf(req), 'privacy.title'), version: PRIVACY_VERSION, retentionDays: app.config.retentionDays }));

  // ---------------------------------------------------------------- personal manage link

  const managePage = async (req: FastifyRequest, reply: FastifyReply, reg: Registration, extra: Record<string, unknown> = {}, status = 200) => {
    personalPage(reply);
    const lang = personalLang(req, reg.language);
    const session = sessions.get(reg.sessionId);
    return render(
      req,
      reply,
      'pages/manage',
      {
        title: t(lang, 'manage.title'),
        reg,
        session,
        hub: sessions.hub(session.hubId),
        regHub: reg.hubId === null ? undefined : sessions.hub(reg.hubId),
        times: sessionTimes(session, reg.zone, lang),
        token: registrations.tokenFor(reg),
        personalFeed: personalCalendarLinks(app.config.publicUrl, registrations.tokenFor(reg), reg, session),
        position: reg.status === 'waitlisted' ? registrations.waitlistPosition(reg.id) : undefined,
        // What this registration may see: public, for registered people, and for attendees once attended.
        materials: shownMaterials(app.services.materials.visibleTo(session.id, reg), lang),
        zones: zoneOptions(lang, app.services.clock.now()),
        regLanguages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
        errors: {},
        ...extra,
        lang,
      },
      status,
    );
  };

  app.get('/r/:token', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => managePage(req, reply, registrations.byToken(req.params.token)));

  // The link in the confirmation email opens a page with a button: opening it changes nothing.
  app.get('/r/:token/confirm', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => {
    const reg = registrations.byToken(req.params.token);
    personalPage(reply);
    const lang = personalLang(req, reg.language);
    return render(req, reply, 'pages/confirm', { title: t(lang, 'manage.confirmTitle'), reg, session: sessions.get(reg.sessionId), token: req.params.token, lang });
  });

  app.post('/r/:token/confirm', { schema: { params: TokenParams, body: ActionForm } }, async (req, reply) => {
    registrations.confirm(req.params.token);
    return reply.redirect(`/r/${req.params.token}?msg=manage.confirmed`, 303);
  });

  app.post('/r/:token/cancel', { schema: { params: TokenParams, body: ActionForm } }, async (req, reply) => {
    registrations.cancelByToken(req.params.token);
    return reply.redirect(`/r/${req.params.token}?msg=manage.cancelledMsg`, 303);
  });

  app.post('/r/:token/preferences', { schema: { params: TokenParams, body: PreferencesForm }, attachValidation: true }, async (req, reply) => {
    if (req.validationError) {
      const reg = registrations.byToken(req.params.token);
      return managePage(req, reply, reg, { errors: notTextErrors(personalLang(req, reg.language), req.validationError) }, 400);
    }
    const b = req.body ?? {};
    return answerForm(
      () => {
        registrations.updatePreferences(req.params.token, { language: one(b, 'language'), zone: one(b, 'zone'), followupConsent: one(b, 'followupConsent') });
        return reply.redirect(`/r/${req.params.token}?msg=manage.saved`, 303);
      },
      (errors, status) => managePage(req, reply, registrations.byToken(req.params.token), { errors }, status),
      // The page speaks its owner's language (read once the input is refused).
      { lang: () => personalLang(req, registrations.byToken(req.params.token).language) },
    );
  });

  app.post('/r/:token/export', { schema: { params: TokenParams, body: ActionForm } }, async (req, reply) => {
    const data = registrations.exportData(req.params.token);
    personalPage(reply);
    return reply
      .header('Content-Type', 'application/json; charset=utf-8')
      .header('Content-Disposition', 'attachment; filename="kairos-registration.json"')
      .send(JSON.stringify(data, null, 2));
  });

  app.post('/r/:token/erase', { schema: { params: TokenParams, body: ActionForm } }, async (req, reply) => {
    registrations.erase(req.params.token);
    return reply.redirect('/?msg=manage.erased', 303);
  });

  // ---------------------------------------------------------------- JSON API (public, no token)

  const RegistrationBody = Type.Object(
    {
      name: Type.String({ maxLength: 500 }),
      email: Type.String({ maxLength: 320 }),
      organisation: Type.Optional(Type.String({ maxLength: 500 })),
      orgType: Type.Union(ORG_TYPES.map((o) => Type.Literal(o))),
      hubId: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
      country: Type.String({ description: 'ISO 3166-1 alpha-2 code, e.g. GR' }),
      language: Type.Optional(Type.String()),
      zone: Type.String({ description: 'IANA time zone, e.g. Europe/Athens' }),
      consent: Type.Boolean({ description: `acceptance of privacy notice version ${PRIVACY_VERSION}; must be true` }),
      followupConsent: Type.Optional(Type.Boolean()),
      answers: Type.Optional(Type.Record(Type.String(), Type.String())),
    },
    { additionalProperties: false },
  );

  app.post(
    '/api/v1/sessions/:id/registrations',
    {
      onRequest: registrationLimit,
      // JSON only (the app's body-type hook): a form on another site cannot post this without a CORS preflight.
      schema: {
        tags: ['registrations'],
        summary: 'Register for a session (no token needed). The manage link is sent by email, never returned.',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        body: RegistrationBody,
        response: {
          201: Type.Object({ id: Type.Integer(), status: Type.String(), message: Type.String() }),
          200: Type.Object({ status: Type.String(), message: Type.String() }),
        },
      },
    },
    async (req, reply) => {
      const result = registrations.register(req.params.id, req.body, 'api');
      const lang = langOf(req);
      if (result.outcome === 'duplicate') return reply.code(200).send({ status: 'duplicate', message: t(lang, 'reg.outcome.duplicate.body') });
      return reply.code(201).send({ id: result.registration.id, status: result.outcome, message: tKey(lang, `reg.outcome.${outcomeKey(result.outcome, result.seatHeld)}.body`, 'reg.outcome.pending.body') });
    },
  );
}
