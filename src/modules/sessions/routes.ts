import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LANGUAGES, LANGUAGE_NAMES, durationLabel, t } from '../../core/i18n/index.js';
import { answerForm } from '../../core/render/form.js';
import { AppError } from '../../core/errors.js';
import type { Session } from './repository.js';
import type { EditScope, SessionInput } from './service.js';
import { repeatPreview, sessionTimes } from './present.js';
import { wantsRepeat, type RepeatInput } from './repeat.js';
import type { FieldMessages } from '../../core/render/form.js';
import { formatDurationMinutes } from '../../core/time/index.js';
import { zoneOptions } from '../../core/render/zone-options.js';
import { langOf, render } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { ActionForm, IdParams, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { can, canGlobal, canUseSeries } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { demoState, removeDemo } from './demo.js';
import { roomLabel } from './rooms.js';
import type { Organiser } from '../organisers/index.js';
import { PageQuery, SessionForm } from './schemas.js';

/** Sessions per page of the organiser's list. */
const ORGANISER_PAGE_SIZE = 20;

type FormBody = Record<string, unknown>;

/** The session form: every field text; co-hosts are checkboxes and may repeat. */

function formToInput(body: FormBody): SessionInput {
  const one = (k: string): string | undefined => {
    const v = Array.isArray(body[k]) ? (body[k] as unknown[])[0] : body[k];
    return typeof v === 'string' ? v : undefined;
  };
  const co = body.coHostIds;
  return {
    title: one('title') ?? '',
    description: one('description') ?? '',
    seriesId: one('seriesId') ?? '',
    hubId: one('hubId'),
    coHostIds: (Array.isArray(co) ? co : [co]).filter((x): x is string => typeof x === 'string'),
    status: one('status'),
    date: one('date') ?? '',
    time: one('time') ?? '',
    zone: one('zone'),
    durationMinutes: one('durationMinutes') ?? '',
    approxMonth: one('approxMonth') ?? '',
    approxPart: one('approxPart') ?? '',
    joinUrl: one('joinUrl') ?? '',
    // Sent only when the form offers the choice (a Jitsi server is configured, or the session has a Jitsi room).
    roomKind: one('roomKind'),
    capacity: one('capacity') ?? '',
    language: one('language'),
    doubleOptIn: one('doubleOptIn') === 'on',
    // The ticked presets (minutes) and the "other" field (durations), one list.
    reminderOffsets: [...list(body.reminderPreset).filter((x) => /^\d+$/.test(x)), one('reminderOffsets') ?? ''].filter(Boolean).join(', '),
  };
}

/** The repeat part of the new-session form. */
function formToRepeat(body: FormBody): RepeatInput {
  const one = (k: string): string | undefined => (typeof body[k] === 'string' ? body[k] : undefined);
  return { frequency: one('repeatFrequency') ?? 'none', interval: one('repeatInterval') ?? '', ordinal: one('repeatOrdinal') ?? '', count: one('repeatCount') ?? '' };
}

/** The repeat as the form shows it again. */
const repeatValues = (r: RepeatInput) => ({ repeatFrequency: r.frequency, repeatInterval: r.interval, repeatOrdinal: r.ordinal, repeatCount: r.count });

/** The service names a repeat's fields as the API does (repeat.count); the form's fields are repeatCount… */
function formErrors(errors: FieldMessages): FieldMessages {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.startsWith('repeat.') ? `repeat${k.charAt(7).toUpperCase()}${k.slice(8)}` : k, v]));
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');

/** The reminder choices offered as tick boxes, in minutes before the start (the others are typed). */
export const REMINDER_PRESETS = [10080, 2880, 1440, 120, 60, 15] as const;

/** Offsets as the form shows them: presets as minutes (ticked boxes), others as ISO 8601 durations. */
function offsetsToForm(offsets: number[]): string {
  return offsets.map((m) => ((REMINDER_PRESETS as readonly number[]).includes(m) ? String(m) : formatDurationMinutes(m))).join(', ');
}

function sessionToForm(s: Session): Record<string, unknown> {
  return {
    title: s.title,
    description: s.description,
    seriesId: s.seriesId ?? '',
    hubId: s.hubId,
    coHostIds: s.coHostIds,
    status: s.status,
    date: s.startDate ?? '',
    time: s.startTime ?? '',
    zone: s.zone,
    durationMinutes: s.durationMinutes,
    approxMonth: s.approxMonth ?? '',
    approxPart: s.approxPart ?? '',
    roomKind: s.roomKind,
    // A Jitsi room's address is Kairos's own, not a pasted one.
    joinUrl: s.roomKind === 'url' ? s.joinUrl ?? '' : '',
    capacity: s.capacity ?? '',
    language: s.language,
    doubleOptIn: s.doubleOptIn,
    reminderOffsets: offsetsToForm(s.reminderOffsets),
  };
}

/** What an organiser may do on a session, for pages to offer only those actions (the server checks again). */
export function mayOn(o: Organiser, s: Session) {
  return {
    edit: can(o, 'session.edit', s),
    cancel: can(o, 'session.cancel', s),
    registrations: can(o, 'registrations.read', s),
    manageRegistrations: can(o, 'registrations.manage', s),
    message: can(o, 'registrations.message', s),
    attendance: can(o, 'attendance.mark', s),
    importAttendance: can(o, 'attendance.import', s),
    followups: can(o, 'followups.manage', s),
    poll: can(o, 'poll.read', s),
    managePoll: can(o, 'poll.manage', s),
  };
}

export default function organiserRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = app.services;

  const formPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    opts: { session?: Session; values: Record<string, unknown>; errors?: Record<string, string>; preview?: ReturnType<typeof repeatPreview> },
    status = 200,
  ) => {
    const lang = langOf(req);
    const organiser = signedInOrganiser(req);
    const hubs = sessions.hubs();
    const inSeries = opts.session?.seriesId == null ? undefined : sessions.series(opts.session.seriesId);
    return render(
      req,
      reply,
      'pages/organiser/session-form',
      {
        title: opts.session ? `${t(lang, 'org.edit')}: ${opts.session.title}` : t(lang, 'org.new'),
        session: opts.session,
        values: opts.values,
        errors: opts.errors ?? {},
        hubs,
        ownHubs: organiser.role === 'admin' ? hubs : hubs.filter((h) => h.id === organiser.hubId || h.id === opts.session?.hubId),
        // Only the series this organiser's hub may use (and the session's own).
        series: sessions.seriesList().filter((x) => x.id === opts.session?.seriesId || canUseSeries(organiser, organiser.hubId ?? -1, (h) => sessions.seriesAllowsHub(x.id, h))),
        zones: zoneOptions(lang, app.services.clock.now()),
        sessionLanguages: LANGUAGES.map((code) => ({ code, name: LANGUAGE_NAMES[code] })),
        reminderPresets: REMINDER_PRESETS.map((minutes) => ({ minutes, label: durationLabel(minutes, lang) })),
        // A new session may repeat; an edit of a session in a series may carry over to the following ones.
        repeatable: !opts.session,
        preview: opts.preview,
        previewZone: organiser.zone,
        inSeries,
        following: opts.session && inSeries ? sessions.followingOf(opts.session, organiser).length : 0,
        // The meeting room choice: offered with a Jitsi server, or to keep the Jitsi room a session already has.
        jitsi: sessions.jitsiAvailable() || opts.session?.roomKind === 'jitsi',
        jitsiRoomUrl: opts.session?.roomKind === 'jitsi' ? opts.session.joinUrl : undefined,
        // "Zoom room", "Jitsi Meet room"…: the kind of room the session has now.
        roomLabel: opts.session ? roomLabel(opts.session, app.config.jitsiBaseUrl, lang) : undefined,
      },
      status,
    );
  };

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    area.get('/organiser', { schema: { querystring: PageQuery } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const lang = langOf(req);
      const page = Number(req.query.page ?? 1);
      const { items: list, more } = sessions.pageFor(organiser, page, ORGANISER_PAGE_SIZE);
      const hubName = new Map(sessions.hubs().map((h) => [h.id, h.name]));
      const href = (n: number) => (n === 1 ? '/organiser' : `/organiser?page=${n}`);
      return render(req, reply, 'pages/organiser/index', {
        title: t(lang, 'org.title'),
        pager:
          list.length && (page > 1 || more)
            ? { label: t(lang, 'org.pages'), prev: page > 1 ? href(page - 1) : undefined, next: more ? href(page + 1) : undefined, current: t(lang, 'home.pageN', { page }) }
            : undefined,
        beyond: page > 1 && !list.length,
        items: list.map((s) => ({ session: s, hub: hubName.get(s.hubId), times: sessionTimes(s, organiser.zone, lang), may: mayOn(organiser, s) })),
        roleLabel: organiser.role === 'admin' ? t(lang, 'org.role.admin') : t(lang, 'org.role.hub', { hub: (organiser.hubId === null ? undefined : hubName.get(organiser.hubId)) ?? '' }),
        demo: canGlobal(organiser, 'demo.remove') ? demoState(app.services.db, app.services.repos.settings) : undefined,
      });
    });

    // The demo series of a fresh installation goes in one action (administrators only).
    area.post('/organiser/demo/remove', { schema: { body: ActionForm } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      if (!canGlobal(organiser, 'demo.remove')) throw new AppError('forbidden', 'only an administrator can remove the demo', 403);
      const removed = removeDemo(app.services.db, app.services.repos.settings, { actor: organiserActor(organiser), at: app.services.clock.now() });
      req.log.info({ sessions: removed }, 'demo removed');
      return reply.redirect('/organiser?msg=org.demo.removed', 303);
    });

    area.get('/organiser/sessions/new', { schema: { querystring: Query({}) } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      return formPage(req, reply, { values: { zone: o.zone, durationMinutes: 60, status: 'scheduled', hubId: o.hubId ?? '', language: o.language, doubleOptIn: true, coHostIds: [], reminderOffsets: offsetsToForm([1440, 60]) } });
    });

    area.post('/organiser/sessions', { schema: { body: SessionForm }, attachValidation: true }, async (req, reply) => {
      if (req.validationError) return formPage(req, reply, { values: textValues(req.body, ['coHostIds']), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      const input = formToInput(body);
      const repeat = formToRepeat(body);
      const values = { ...input, doubleOptIn: input.doubleOptIn, ...repeatValues(repeat) };
      const organiser = signedInOrganiser(req);
      return answerForm(
        () => {
          // "Preview": the dates in the organiser's zone, nothing stored.
          if (body.action === 'preview') {
            const plan = sessions.planRepeat(input, repeat, organiser);
            return formPage(req, reply, { values, preview: repeatPreview(plan.items, plan.data.zone, organiser.zone, langOf(req)) });
          }
          if (wantsRepeat(repeat)) {
            const made = sessions.createRepeating(input, repeat, organiser);
            return reply.redirect(`/organiser/series/${made.series.id}?msg=org.repeat.created`, 303);
          }
          const s = sessions.create(input, organiser);
          return reply.redirect(`/sessions/${s.id}?msg=org.created`, 303);
        },
        (errors, status) => formPage(req, reply, { values, errors: formErrors(errors) }, status),
        { lang: langOf(req) },
      );
    });

    area.get('/organiser/sessions/:id/edit', { schema: { params: IdParams, querystring: Query({}) } }, async (req, reply) => {
      const s = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'session.edit');
      return formPage(req, reply, { session: s, values: sessionToForm(s) });
    });

    area.post('/organiser/sessions/:id', { schema: { params: IdParams, body: SessionForm }, attachValidation: true }, async (req, reply) => {
      const o = signedInOrganiser(req);
      const s = sessions.getManaged(Number(req.params.id), o, 'session.edit');
      if (req.validationError) return formPage(req, reply, { session: s, values: textValues(req.body, ['coHostIds']), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const input = formToInput(req.body ?? {});
      const scope: EditScope = req.body?.scope === 'following' ? 'following' : 'this';
      return answerForm(
        () => {
          const changed = sessions.updateScoped(s.id, input, o, scope);
          return reply.redirect(`/sessions/${s.id}?msg=${changed.length > 1 ? 'org.savedFollowing' : 'org.saved'}`, 303);
        },
        (errors, status) => formPage(req, reply, { session: s, values: { ...input, scope }, errors: formErrors(errors) }, status),
        { lang: langOf(req) },
      );
    });

    // A series and its sessions in date order, each in the organiser's zone and the session's own.
    area.get('/organiser/series/:id', { schema: { params: IdParams, querystring: Query({}) } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const lang = langOf(req);
      const series = sessions.series(Number(req.params.id));
      if (!series) throw new AppError('not_found', 'series not found', 404);
      const hubName = new Map(sessions.hubs().map((h) => [h.id, h.name]));
      return render(req, reply, 'pages/organiser/series', {
        title: t(lang, 'org.series.title', { title: series.title }),
        series,
        items: sessions.listBySeries(series.id).map((s) => ({ session: s, hub: hubName.get(s.hubId), times: sessionTimes(s, organiser.zone, lang), may: mayOn(organiser, s) })),
      });
    });

    area.post('/organiser/sessions/:id/cancel', { schema: { params: IdParams, body: ActionForm } }, async (req, reply) => {
      const s = sessions.cancel(Number(req.params.id), signedInOrganiser(req));
      return reply.redirect(`/sessions/${s.id}?msg=org.cancelled`, 303);
    });
  });
}
