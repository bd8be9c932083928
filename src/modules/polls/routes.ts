/**
 * Date polls. Organiser pages under /organiser/sessions/:id/poll… (login required); voter pages under
 * /poll/:token (personal link: GET shows, POST with CSRF changes; never cached, never indexed).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { answerForm, fieldMessages } from '../../core/render/form.js';
import { t, tKey } from '../../core/i18n/index.js';
import type { Poll } from './repository.js';
import type { Session } from '../sessions/index.js';
import { countryName } from '../sessions/index.js';
import { NETWORK_COUNTRIES } from './present.js';
import type { InviteResult } from './service.js';
import { formatDate, formatInZone, formatTime } from '../../core/time/index.js';
import { zoneOptions } from '../../core/render/zone-options.js';
import { langOf, render, langChosen, personalLang, personalPage } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { ActionForm, Form, Params, Query as QueryOf, Text, notTextErrors, textValues } from '../../core/render/boundary.js';
import { can } from '../../core/access/index.js';
import { SessionParams, TokenParams, PollQuery, SettingsForm, SlotForm, InviteForm, PickForm } from './schemas.js';

type FormBody = Record<string, string | string[] | undefined>;
type Query = Record<string, string | undefined>;

/** The text values of a query string (the page reads only text; anything else is left out). */
function textQuery(query: unknown): Query {
  const out: Query = {};
  if (query && typeof query === 'object') for (const [k, v] of Object.entries(query)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The organiser page's query: the suggestion range and the outcome of an invitation. */

/**
 * How the poll pages word a refusal: poll.err.<code>, then the shared err.<code>, then the service's
 * text; a closed poll says why. Only 400 (invalid input) and 409 (not now) are shown on the page.
 */
const POLL_FORM = {
  prefixes: ['poll.'],
  special: (e: AppError, lang: string) => (e.code === 'poll_closed' && typeof e.params.reason === 'string' && e.params.reason ? tKey(lang, `poll.closed.${e.params.reason}`, 'poll.err.poll_closed') : undefined),
  statuses: [400, 409],
};
const shown = (err: unknown): err is AppError => err instanceof AppError && POLL_FORM.statuses.includes(err.status);

const one = (b: FormBody, k: string) => {
  const v = b[k];
  return Array.isArray(v) ? v[0] : v;
};


const count = (v: string | undefined) => (v !== undefined && /^\d{1,6}$/.test(v) ? Number(v) : undefined);

export default function pollRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, polls } = app.services;

  const deadlineLabel = (poll: Poll, zone: string, lang: string) =>
    poll.deadlineUtc === null ? undefined : { inZone: formatInZone(poll.deadlineUtc, zone, lang), inPollZone: formatInZone(poll.deadlineUtc, poll.zone, lang), same: zone === poll.zone };

  // ---------------------------------------------------------------- organiser

  type Extra = { errors?: Record<string, Record<string, string>>; values?: Record<string, Record<string, unknown>> };

  const orgPage = async (req: FastifyRequest, reply: FastifyReply, session: Session, extra: Extra = {}, status = 200) => {
    const o = signedInOrganiser(req);
    const lang = langOf(req);
    const q = textQuery(req.query);
    const poll = polls.forSession(session.id);
    const hubs = sessions.hubs();
    const errors = { settings: {}, slot: {}, suggest: {}, invite: {}, pick: {}, close: {}, ...(extra.errors ?? {}) } as Record<string, Record<string, string>>;
    const values = extra.values ?? {};
    const mayManage = can(o, 'poll.manage', session);
    const data: Record<string, unknown> = {
      title: `${t(lang, 'poll.org.title')}: ${session.title}`,
      session,
      mayManage,
      poll,
      zones: zoneOptions(lang, app.services.clock.now()),
      organiserZone: o.zone,
      errors,
      settings: {
        zone: poll?.zone ?? o.zone,
        deadlineDate: poll?.deadlineDate ?? '',
        deadlineTime: poll?.deadlineTime ?? '',
        reminderHours: poll?.reminderHours ?? polls.defaultReminder,
        ...(values.settings ?? {}),
      },
    };
    if (poll) {
      const state = polls.state(poll);
      const slots = polls.slots(poll);
      const participating = new Set([session.hubId, ...session.coHostIds]);
      const invitedHubs = new Set(polls.voters(poll).filter((v) => v.source === 'hub').map((v) => v.hubId));
      let suggestions: { date: string; label: string; items: { time: string; end: string; label: string; inPoll: boolean; date: string; zone: string; durationMinutes: number }[] }[] | undefined;
      const range = polls.defaultRange(session);
      const suggestValues = { from: q.from ?? range.from, to: q.to ?? range.to, durationMinutes: q.durationMinutes ?? String(session.durationMinutes), zone: q.zone ?? poll.zone };
      if (q.from !== undefined) {
        try {
          suggestions = [];
          for (const sg of polls.suggest(suggestValues, slots)) {
            let day = suggestions[suggestions.length - 1];
            if (!day || day.date !== sg.date) suggestions.push((day = { date: sg.date, label: `${formatDate(sg.startUtc, sg.zone, lang)} (${sg.zone})`, items: [] }));
            day.items.push({ time: sg.time, end: formatTime(sg.startUtc + sg.durationMinutes * 60_000, sg.zone), label: formatInZone(sg.startUtc, sg.zone, lang), inPoll: sg.inPoll, date: sg.date, zone: sg.zone, durationMinutes: sg.durationMinutes });
          }
        } catch (err) {
          if (!shown(err)) throw err;
          errors.suggest = fieldMessages(lang, err, POLL_FORM);
        }
      }
      const picked = poll.pickedSlotId === null ? undefined : slots.find((s) => s.id === poll.pickedSlotId);
      const invited = count(q.invited);
      Object.assign(data, {
        state,
        deadline: deadlineLabel(poll, o.zone, lang),
        results: polls.results(poll, o.zone, lang),
        picked: picked && polls.slotView(picked, o.zone, lang),
        slotValues: { date: '', time: '', zone: poll.zone, durationMinutes: String(session.durationMinutes), ...(values.slot ?? {}) },
        suggestValues,
        suggestQuery: new URLSearchParams(suggestValues).toString(),
        suggestions,
        hubs: hubs.map((h) => ({ id: h.id, name: h.name, country: tKey(lang, `country.${h.countryCode}`, 'country.other'), checked: participating.has(h.id) && !invitedHubs.has(h.id), invited: invitedHubs.has(h.id) })),
        eligible: mayManage ? polls.eligible(session) : { registrants: 0, registrantsWithConsent: 0 },
        // Names and addresses of voters: the owning hub and administrators only.
        voters: (can(o, 'poll.voters', session) ? polls.voters(poll) : []).map((v) => ({
          name: v.name,
          email: v.email,
          source: v.source,
          hub: v.hubId === null ? '' : hubs.find((h) => h.id === v.hubId)?.name ?? '',
          country: NETWORK_COUNTRIES.includes(v.country) ? tKey(lang, `country.${v.country}`, 'country.other') : countryName(v.country, lang),
          language: v.language,
          zone: v.zone,
          answered: v.answeredAt !== null,
        })),
        inviteResult: invited === undefined ? undefined : ({ invited, alreadyInvited: count(q.already) ?? 0, withoutConsent: count(q.noConsent) ?? 0, invalid: count(q.invalid) ?? 0 } satisfies InviteResult),
      });
    }
    return render(req, reply, 'pages/organiser/poll', data, status);
  };

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);
    const managed = (req: FastifyRequest & { params: { id: string } }) => sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'poll.manage');
    const base = (s: Session) => `/organiser/sessions/${s.id}/poll`;

    area.get('/organiser/sessions/:id/poll', { schema: { params: SessionParams, querystring: PollQuery } }, async (req, reply) =>
      orgPage(req, reply, sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'poll.read')),
    );

    /** Runs a change; on a 400/409 shows the page again with the messages in `group`. */
    const act = async (req: FastifyRequest & { params: { id: string } }, reply: FastifyReply, group: string, fn: (s: Session) => string, values?: Record<string, unknown>) => {
      const s = managed(req);
      // A field the form's schema refused (sent twice, say) is shown beside the form, like the service's errors.
      if (req.validationError) return orgPage(req, reply, s, { errors: { [group]: notTextErrors(langOf(req), req.validationError) }, values: { [group]: textValues(req.body) } }, 400);
      return answerForm(
        () => reply.redirect(fn(s), 303),
        (errors, status) => orgPage(req, reply, s, { errors: { [group]: errors }, values: values ? { [group]: values } : {} }, status),
        { lang: langOf(req), ...POLL_FORM },
      );
    };

    area.post('/organiser/sessions/:id/poll', { schema: { params: SessionParams, body: SettingsForm }, attachValidation: true }, async (req, reply) => {
      const b = req.body ?? {};
      const input = { zone: one(b, 'zone'), deadlineDate: one(b, 'deadlineDate'), deadlineTime: one(b, 'deadlineTime'), reminderHours: one(b, 'reminderHours') };
      return act(req, reply, 'settings', (s) => {
        if (polls.forSession(s.id)) polls.configure(s.id, input, signedInOrganiser(req));
        else polls.create(s.id, input, signedInOrganiser(req));
        return `${base(s)}?msg=poll.org.saved`;
      }, input);
    });

    area.post('/organiser/sessions/:id/poll/slots', { schema: { params: SessionParams, body: SlotForm }, attachValidation: true }, async (req, reply) => {
      const b = req.body ?? {};
      const input = { date: one(b, 'date'), time: one(b, 'time'), zone: one(b, 'zone'), durationMinutes: one(b, 'durationMinutes') };
      const back = one(b, 'back');
      return act(req, reply, 'slot', (s) => {
        polls.addSlot(s.id, input, signedInOrganiser(req));
        // Adding a suggestion keeps the suggestions on screen.
        const keep = typeof back === 'string' && /^from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&durationMinutes=\d{1,4}&zone=[A-Za-z0-9_%+.-]{1,80}$/.test(back) ? `&${back}` : '';
        return `${base(s)}?msg=poll.org.slotAdded${keep}#slots`;
      }, input);
    });

    area.post('/organiser/sessions/:id/poll/slots/:slotId/delete', { schema: { params: Params({ id: Text, slotId: Text }), body: ActionForm } }, async (req, reply) =>
      act(req, reply, 'slot', (s) => {
        polls.removeSlot(s.id, Number(req.params.slotId), signedInOrganiser(req));
        return `${base(s)}?msg=poll.org.slotRemoved#slots`;
      }),
    );

    area.post('/organiser/sessions/:id/poll/invite', { schema: { params: SessionParams, body: InviteForm }, attachValidation: true }, async (req, reply) => {
      const b = req.body ?? {};
      return act(req, reply, 'invite', (s) => {
        const r = polls.invite(s.id, { hubIds: b.hubIds, registrants: one(b, 'registrants') }, signedInOrganiser(req));
        return `${base(s)}?invited=${r.invited}&already=${r.alreadyInvited}&noConsent=${r.withoutConsent}&invalid=${r.invalid}#voters`;
      });
    });

    area.post('/organiser/sessions/:id/poll/close', { schema: { params: SessionParams, body: ActionForm } }, async (req, reply) =>
      act(req, reply, 'close', (s) => {
        polls.close(s.id, signedInOrganiser(req));
        return `${base(s)}?msg=poll.org.closedMsg`;
      }),
    );

    area.post('/organiser/sessions/:id/poll/pick', { schema: { params: SessionParams, body: PickForm }, attachValidation: true }, async (req, reply) => {
      const b = req.body ?? {};
      return act(req, reply, 'pick', (s) => {
        polls.pick(s.id, one(b, 'slotId'), signedInOrganiser(req));
        return `/sessions/${s.id}?msg=poll.org.pickedMsg`;
      });
    });
  });

  // ---------------------------------------------------------------- voters (personal link)

  const votePage = async (req: FastifyRequest & { params: { token: string } }, reply: FastifyReply, extra: { errors?: Record<string, string>; submitted?: Record<string, string> } = {}, status = 200) => {
    const { voter, poll, session } = polls.byToken(req.params.token);
    personalPage(reply);
    const lang = personalLang(req, voter.language);
    const slots = polls.slots(poll);
    const picked = poll.pickedSlotId === null ? undefined : slots.find((s) => s.id === poll.pickedSlotId);
    return render(
      req,
      reply,
      'pages/poll/vote',
      {
        title: t(lang, 'poll.vote.title', { title: session.title }),
        session,
        poll,
        voter: { name: voter.name, zone: voter.zone, answered: voter.answeredAt !== null, changedAt: voter.changedAt === null ? undefined : formatInZone(voter.changedAt, voter.zone, lang) },
        state: polls.state(poll),
        deadline: deadlineLabel(poll, voter.zone, lang),
        slots: slots.map((s) => polls.slotView(s, voter.zone, lang)),
        answers: { ...polls.answersOf(voter), ...(extra.submitted ?? {}) },
        results: polls.results(poll, voter.zone, lang),
        picked: picked && polls.slotView(picked, voter.zone, lang),
        token: req.params.token,
        // A language the visitor chose (?lang=) stays chosen through the form and its redirect.
        langQuery: langChosen(req) ? `?lang=${lang}` : '',
        errors: extra.errors ?? {},
        lang,
      },
      status,
    );
  };

  app.get('/poll/:token', { schema: { params: TokenParams, querystring: QueryOf({}) } }, async (req, reply) => votePage(req, reply));

  // Right to erasure: the voter's address, name and link go; their answers stay, anonymous.
  app.post('/poll/:token/erase', { schema: { params: TokenParams, body: ActionForm } }, async (req, reply) => {
    polls.eraseByToken(req.params.token);
    return reply.redirect('/?msg=poll.erase.done', 303);
  });

  app.post('/poll/:token', { schema: { params: TokenParams, querystring: QueryOf({}), body: Form({}) } }, async (req, reply) => {
    // The answers are fields named slot-<id> (the form's schema lets them through).
    const body: Record<string, unknown> = { ...req.body };
    return answerForm(
      () => {
        polls.vote(req.params.token, body);
        const chosen = langChosen(req);
        return reply.redirect(`/poll/${req.params.token}?msg=poll.vote.saved${chosen ? `&lang=${chosen}` : ''}`, 303);
      },
      (errors, status) => {
        const submitted: Record<string, string> = {};
        for (const [k, v] of Object.entries(body)) {
          const slot = /^slot-(\d+)$/.exec(k)?.[1];
          const val: unknown = Array.isArray(v) ? v[0] : v;
          if (slot !== undefined && (val === 'yes' || val === 'maybe' || val === 'no')) submitted[slot] = val;
        }
        return votePage(req, reply, { errors, submitted }, status);
      },
      // The voter's page speaks the voter's language.
      { lang: () => personalLang(req, polls.byToken(req.params.token).voter.language), ...POLL_FORM },
    );
  });
}
