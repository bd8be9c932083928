import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n/index.js';
import { ActionForm, IdParams, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render, viewerZoneOf } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { organiserOf, requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { sessionTimes, type Session } from '../sessions/index.js';
import { agendaView, formChoices, organiserView } from './present.js';
import type { AgendaItem } from './repository.js';
import { AgendaParams, ItemForm, MoveForm, ProposalForm, ProposalParams } from './schemas.js';
import { SPEAKERS_MAX, type AgendaItemInput, type SpeakerInput } from './service.js';

type Values = Record<string, string | string[]>;

/** The item's id in the path (0, found nowhere, for anything that is not one). */
const itemId = (raw: string | undefined): number => (raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : 0);

/** Speaker fields of the form: speaker1Name, speaker1Affiliation, … (a few more than the form shows, so that too many are refused, not lost). */
const SPEAKER_FIELD = /^speaker([1-9]|1[0-9]|20)(Name|Affiliation)$/;

/** How many speaker rows the form shows: five, or as many as were sent. */
function speakerRows(values: Values): number {
  let rows = SPEAKERS_MAX;
  for (const k of Object.keys(values)) {
    const m = SPEAKER_FIELD.exec(k);
    if (m) rows = Math.max(rows, Number(m[1]));
  }
  return rows;
}

/** The form's fields as the service takes them: speakers in the order of their rows. */
function inputOf(values: Values): AgendaItemInput {
  const speakers: SpeakerInput[] = [];
  for (let n = 1; n <= speakerRows(values); n++) speakers.push({ name: values[`speaker${n}Name`], affiliation: values[`speaker${n}Affiliation`] });
  return { kind: values.kind, title: values.title, durationMinutes: values.durationMinutes, speakers };
}

/** A speaker field sent as something other than text (a list, an object): refused beside it. */
function notTextSpeakers(lang: string, body: unknown): FieldMessages {
  const out: FieldMessages = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (SPEAKER_FIELD.test(k) && typeof v !== 'string') out[k] = t(lang, 'err.not_text');
  return out;
}

const EMPTY: Values = { kind: 'talk', title: '', durationMinutes: '' };

/** The length first offered for an accepted case study put on the agenda, in minutes. */
const ACCEPTED_MINUTES = 20;

function valuesOf(item: AgendaItem): Values {
  const values: Values = { kind: item.kind, title: item.title, durationMinutes: String(item.durationMinutes) };
  item.speakers.forEach((s, i) => {
    values[`speaker${i + 1}Name`] = s.name;
    values[`speaker${i + 1}Affiliation`] = s.affiliation;
  });
  return values;
}

export default function agendaRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, agenda } = app.services;

  // The printable agenda: the same for every visitor in a language and a zone (kept for all who are not signed in).
  app.get('/sessions/:id/agenda', { config: { memo: true }, schema: { params: IdParams, querystring: Query({}) } }, async (req, reply) => {
    const session = sessions.get(Number(req.params.id));
    const lang = langOf(req);
    const organiser = organiserOf(req);
    const zone = viewerZoneOf(req, organiser?.zone ?? session.zone);
    const view = agendaView(session, agenda.list(session.id), zone, lang);
    return render(req, reply, 'pages/agenda', {
      title: `${t(lang, 'agenda.title')}: ${session.title}`,
      session,
      times: sessionTimes(session, zone, lang),
      agenda: view,
      // The overrun is the organisers' to mend: only they are told (a signed-in page is never kept for others).
      overrun: organiser && can(organiser, 'agenda.manage', session) ? view.overrun : 0,
    });
  });

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    /** The list with the form to add an item (filled again after a refusal); co-hosting hubs only read. */
    const listPage = (
      req: FastifyRequest,
      reply: FastifyReply,
      session: Session,
      form: { values?: Values; errors?: FieldMessages; proposal?: { id: number; values: Values; errors: FieldMessages } } = {},
      status = 200,
    ) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      const values = { ...EMPTY, ...form.values };
      const items = agenda.list(session.id);
      const manage = can(organiser, 'agenda.manage', session);
      // Case studies accepted in the session's call that are not on the agenda yet, each to be put there.
      const accepted = manage
        ? app.services.calls
            .acceptedProposals(session.id)
            .filter((p) => !items.some((i) => i.proposalId === p.id))
            .map((p) => ({
              id: p.id,
              title: p.title,
              presenters: p.presenters.map((x) => (x.affiliation ? `${x.name} (${x.affiliation})` : x.name)).join(', '),
              values: form.proposal?.id === p.id ? form.proposal.values : { durationMinutes: String(ACCEPTED_MINUTES) },
              errors: form.proposal?.id === p.id ? form.proposal.errors : {},
            }))
        : [];
      return render(
        req,
        reply,
        'pages/organiser/agenda',
        {
          title: `${t(lang, 'agenda.title')}: ${session.title}`,
          session,
          agenda: organiserView(session, items, organiser.zone, lang),
          manage,
          accepted,
          values,
          speakerRows: speakerRows(values),
          errors: form.errors ?? {},
          ...formChoices(lang),
        },
        status,
      );
    };

    const editPage = (req: FastifyRequest, reply: FastifyReply, session: Session, item: AgendaItem, form: { values?: Values; errors?: FieldMessages } = {}, status = 200) => {
      const lang = langOf(req);
      const values = form.values ?? valuesOf(item);
      return render(
        req,
        reply,
        'pages/organiser/agenda-edit',
        { title: `${t(lang, 'agenda.editTitle')}: ${item.title}`, session, item, values, speakerRows: speakerRows(values), errors: form.errors ?? {}, ...formChoices(lang) },
        status,
      );
    };

    const listUrl = (s: Session, msg: string, anchor = '') => `/organiser/sessions/${s.id}/agenda?msg=${msg}${anchor}`;

    area.get('/organiser/sessions/:id/agenda', { schema: { params: AgendaParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'session.read');
      return listPage(req, reply, session);
    });

    area.post('/organiser/sessions/:id/agenda', { schema: { params: AgendaParams, body: ItemForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'agenda.manage');
      const lang = langOf(req);
      const values = textValues(req.body);
      const notText = { ...(req.validationError ? notTextErrors(lang, req.validationError) : {}), ...notTextSpeakers(lang, req.body) };
      if (Object.keys(notText).length) return listPage(req, reply, session, { values, errors: notText }, 400);
      return answerForm(
        () => {
          const item = agenda.add(session, inputOf(values), organiserActor(organiser));
          return reply.redirect(listUrl(session, 'agenda.added', `#a-${item.id}`), 303);
        },
        (errors, status) => listPage(req, reply, session, { values, errors }, status),
        { lang },
      );
    });

    // An accepted case study put on the agenda: its title, its presenters as the speakers, the length the organiser gives.
    area.post('/organiser/sessions/:id/agenda/proposals/:pid', { schema: { params: ProposalParams, body: ProposalForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'agenda.manage');
      const pid = itemId(req.params.pid);
      const proposal = app.services.calls.acceptedProposals(session.id).find((p) => p.id === pid);
      if (!proposal) throw new AppError('not_found', 'no accepted case study of this session has that number', 404);
      const onAgenda = agenda.list(session.id).find((i) => i.proposalId === pid);
      if (onAgenda) return reply.redirect(listUrl(session, 'agenda.added', `#a-${onAgenda.id}`), 303);
      const lang = langOf(req);
      const values = textValues(req.body);
      if (req.validationError) return listPage(req, reply, session, { proposal: { id: pid, values, errors: notTextErrors(lang, req.validationError) } }, 400);
      return answerForm(
        () => {
          const speakers = proposal.presenters.map((p) => ({ name: p.name, affiliation: p.affiliation }));
          const item = agenda.add(session, { kind: 'case_study', title: proposal.title, durationMinutes: values.durationMinutes, speakers, proposalId: pid }, organiserActor(organiser));
          return reply.redirect(listUrl(session, 'agenda.added', `#a-${item.id}`), 303);
        },
        (errors, status) => listPage(req, reply, session, { proposal: { id: pid, values, errors } }, status),
        { lang },
      );
    });

    area.get('/organiser/sessions/:id/agenda/:iid/edit', { schema: { params: AgendaParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'agenda.manage');
      return editPage(req, reply, session, agenda.get(session, itemId(req.params.iid)));
    });

    area.post('/organiser/sessions/:id/agenda/:iid', { schema: { params: AgendaParams, body: ItemForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'agenda.manage');
      const item = agenda.get(session, itemId(req.params.iid));
      const lang = langOf(req);
      const values = textValues(req.body);
      const notText = { ...(req.validationError ? notTextErrors(lang, req.validationError) : {}), ...notTextSpeakers(lang, req.body) };
      if (Object.keys(notText).length) return editPage(req, reply, session, item, { values, errors: notText }, 400);
      return answerForm(
        () => {
          agenda.update(session, item.id, inputOf(values), organiserActor(organiser));
          return reply.redirect(listUrl(session, 'agenda.saved', `#a-${item.id}`), 303);
        },
        (errors, status) => editPage(req, reply, session, item, { values, errors }, status),
        { lang },
      );
    });

    area.post('/organiser/sessions/:id/agenda/:iid/delete', { schema: { params: AgendaParams, body: ActionForm } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'agenda.manage');
      agenda.remove(session, itemId(req.params.iid), organiserActor(organiser));
      return reply.redirect(listUrl(session, 'agenda.removed'), 303);
    });

    area.post('/organiser/sessions/:id/agenda/:iid/move', { schema: { params: AgendaParams, body: MoveForm } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'agenda.manage');
      const direction = req.body?.direction;
      if (direction !== 'up' && direction !== 'down') throw new AppError('bad_direction', 'direction must be up or down', 400, 'direction');
      const id = itemId(req.params.iid);
      agenda.move(session, id, direction, organiserActor(organiser));
      return reply.redirect(listUrl(session, 'agenda.moved', `#a-${id}`), 303);
    });
  });
}
