import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertCanPropose, can } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { toCsv } from '../../core/csv.js';
import { LANGUAGES, LANGUAGE_NAMES, t } from '../../core/i18n/index.js';
import { ActionForm, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, personalLang, personalPage, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { zoneOptions } from '../../core/render/zone-options.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { sessionTimes, type Session } from '../sessions/index.js';
import { countryLabel, decisionChoices, proposalChoices, proposalValues, shownCall, shownProposal, shownTallies } from './present.js';
import { CALL_COUNTRIES, STATUSES, type Call, type CallInvitation, type Proposal, type ProposalStatus } from './repository.js';
import { editable } from './service.js';
import { CallForm, CallParams, DecisionForm, InviteForm, ListQuery, ProposalForm, TokenParams } from './schemas.js';

type Values = Record<string, string | string[]>;
type FormState = { values?: Values; errors?: FieldMessages };

/** An id in the path (0, found nowhere, for anything that is not one). */
const idOf = (raw: string | undefined): number => (raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : 0);

export default function callRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, calls } = app.services;

  const hubName = (id: number) => sessions.hub(id)?.name ?? '';
  const callUrl = (s: Session, msg = '', anchor = '') => `/organiser/sessions/${s.id}/call${msg ? `?msg=${msg}` : ''}${anchor}`;

  // ---------------------------------------------------------------- the organiser area

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    /**
     * The call page: the owning hub opens, changes and closes the call, invites people and reviews the
     * proposals per country and per hub; a co-hosting hub sees them; any other organiser sees the call
     * and is offered the proposal form.
     */
    const callPage = (
      req: FastifyRequest,
      reply: FastifyReply,
      session: Session,
      forms: { call?: FormState; invite?: FormState } = {},
      filter: { hub?: string; country?: string; status?: ProposalStatus } = {},
      status = 200,
    ) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      const manage = can(organiser, 'calls.manage', session);
      const read = can(organiser, 'calls.read', session);
      const call = calls.forSession(session.id);
      const zone = calls.zoneOf(session);
      const state = call && calls.state(call);
      let review;
      if (call && read) {
        const all = calls.proposals(call);
        const overview = calls.overview(call);
        const hubFilter = idOf(filter.hub);
        const list = all.filter(
          (p) =>
            (!hubFilter || p.hubId === hubFilter) &&
            (!filter.country || p.country === filter.country) &&
            (!filter.status || p.status === filter.status),
        );
        review = {
          total: overview.total,
          byCountry: shownTallies(overview.byCountry, (c) => countryLabel(c, lang)),
          byHub: shownTallies(overview.byHub, (h) => hubName(Number(h))),
          list: list.map((p) => shownProposal(p, hubName, lang)),
          filtered: list.length !== all.length,
          filterLabel: hubFilter ? hubName(hubFilter) : filter.country ? countryLabel(filter.country, lang) : filter.status ? t(lang, `call.status.${filter.status}`) : '',
        };
      }
      return render(
        req,
        reply,
        'pages/organiser/call',
        {
          title: `${t(lang, 'call.title')}: ${session.title}`,
          session,
          call: call && state && shownCall(call, state, lang, zone),
          zone,
          hub: hubName(session.hubId),
          manage,
          read,
          review,
          invitations: call && manage ? calls.invitations(call).map((i) => ({ ...i, languageName: LANGUAGE_NAMES[i.language as keyof typeof LANGUAGE_NAMES] ?? i.language })) : [],
          callValues: { deadlineDate: call?.deadlineDate ?? '', deadlineTime: call?.deadlineTime ?? '23:59', intro: call?.intro ?? '', ...forms.call?.values },
          callErrors: forms.call?.errors ?? {},
          inviteValues: { name: '', email: '', language: 'en', zone, ...forms.invite?.values },
          inviteErrors: forms.invite?.errors ?? {},
          langChoices: LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] })),
          zones: zoneOptions(lang, app.services.clock.now()),
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/call', { schema: { params: CallParams, querystring: ListQuery } }, async (req, reply) => {
      const session = sessions.get(Number(req.params.id));
      const q = req.query;
      const filter = { hub: q.hub, country: CALL_COUNTRIES.find((c) => c === q.country), status: STATUSES.find((x) => x === q.status) };
      return callPage(req, reply, session, {}, filter);
    });

    area.post('/organiser/sessions/:id/call', { schema: { params: CallParams, body: CallForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'calls.manage');
      if (req.validationError) return callPage(req, reply, session, { call: { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) } }, {}, 400);
      const body = req.body ?? {};
      const existed = calls.forSession(session.id) !== undefined;
      return answerForm(
        () => {
          calls.save(session, body, organiser);
          return reply.redirect(callUrl(session, existed ? 'call.saved' : 'call.opened'), 303);
        },
        (errors, status) => callPage(req, reply, session, { call: { values: textValues(body), errors } }, {}, status),
        { lang: langOf(req) },
      );
    });

    area.post('/organiser/sessions/:id/call/close', { schema: { params: CallParams, body: ActionForm } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'calls.manage');
      calls.close(session, organiser);
      return reply.redirect(callUrl(session, 'call.closedMsg'), 303);
    });

    area.post('/organiser/sessions/:id/call/invitations', { schema: { params: CallParams, body: InviteForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'calls.manage');
      calls.get(session);
      if (req.validationError) return callPage(req, reply, session, { invite: { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) } }, {}, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          calls.invite(session, body, organiser);
          return reply.redirect(callUrl(session, 'call.invited', '#invitations'), 303);
        },
        (errors, status) => callPage(req, reply, session, { invite: { values: textValues(body), errors } }, {}, status),
        { lang: langOf(req), statuses: [400, 409] },
      );
    });

    /** The proposal form of the organiser area (any hub), with the organiser's own proposals to this call. */
    const proposePage = (req: FastifyRequest, reply: FastifyReply, session: Session, call: Call, form: FormState = {}, status = 200) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      const own = organiser.hubId === null ? undefined : sessions.hub(organiser.hubId);
      return render(
        req,
        reply,
        'pages/organiser/call-propose',
        {
          title: `${t(lang, 'call.propose')}: ${session.title}`,
          session,
          call: shownCall(call, calls.state(call), lang, organiser.zone),
          mine: calls.proposalsBy(call, organiser.id).map((p) => ({ ...shownProposal(p, hubName, lang), editable: editable(p, calls.state(call)) })),
          values: { hubId: own ? String(own.id) : '', country: own ? own.countryCode : '', language: organiser.language, proposerName: organiser.name, proposerEmail: organiser.email, proposerLanguage: organiser.language, ...form.values },
          errors: form.errors ?? {},
          ...proposalChoices(sessions.hubs(), lang),
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/call/propose', { schema: { params: CallParams, querystring: Query({}) } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      assertCanPropose(organiser);
      const session = sessions.get(Number(req.params.id));
      return proposePage(req, reply, session, calls.get(session));
    });

    area.post('/organiser/sessions/:id/call/proposals', { schema: { params: CallParams, body: ProposalForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      assertCanPropose(organiser);
      const session = sessions.get(Number(req.params.id));
      const call = calls.get(session);
      if (req.validationError) return proposePage(req, reply, session, call, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          const p = calls.proposeAsOrganiser(session, body, organiser);
          return reply.redirect(`/organiser/sessions/${session.id}/call/propose?msg=call.proposed#p-${p.id}`, 303);
        },
        (errors, status) => proposePage(req, reply, session, call, { values: textValues(body), errors }, status),
        { lang: langOf(req), statuses: [400, 409] },
      );
    });

    /** One of the organiser's own proposals, to change it (while it may be changed). */
    const ownEditPage = (req: FastifyRequest, reply: FastifyReply, session: Session, pid: number, form: FormState = {}, status = 200) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      const { call, proposal } = calls.organiserProposal(session, pid, organiser.id);
      return render(
        req,
        reply,
        'pages/organiser/call-proposal-edit',
        {
          title: `${t(lang, 'call.editProposal')}: ${proposal.title}`,
          session,
          call: shownCall(call, calls.state(call), lang, organiser.zone),
          proposal: shownProposal(proposal, hubName, lang),
          editable: editable(proposal, calls.state(call)),
          values: form.values ?? proposalValues(proposal),
          errors: form.errors ?? {},
          ...proposalChoices(sessions.hubs(), lang),
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/call/proposals/:pid/edit', { schema: { params: CallParams, querystring: Query({}) } }, async (req, reply) => {
      assertCanPropose(signedInOrganiser(req));
      return ownEditPage(req, reply, sessions.get(Number(req.params.id)), idOf(req.params.pid));
    });

    area.post('/organiser/sessions/:id/call/proposals/:pid/edit', { schema: { params: CallParams, body: ProposalForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      assertCanPropose(organiser);
      const session = sessions.get(Number(req.params.id));
      const pid = idOf(req.params.pid);
      calls.organiserProposal(session, pid, organiser.id);
      if (req.validationError) return ownEditPage(req, reply, session, pid, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          calls.updateAsOrganiser(session, pid, body, organiser);
          return reply.redirect(`/organiser/sessions/${session.id}/call/propose?msg=call.proposalSaved#p-${pid}`, 303);
        },
        (errors, status) => ownEditPage(req, reply, session, pid, { values: textValues(body), errors }, status),
        { lang: langOf(req), statuses: [400, 409] },
      );
    });

    const proposalPage = (req: FastifyRequest, reply: FastifyReply, session: Session, call: Call, proposal: Proposal, form: FormState = {}, status = 200) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      return render(
        req,
        reply,
        'pages/organiser/call-proposal',
        {
          title: `${t(lang, 'call.proposal')}: ${proposal.title}`,
          session,
          proposal: shownProposal(proposal, hubName, lang),
          manage: can(organiser, 'calls.manage', session),
          decisions: decisionChoices(lang),
          values: { decision: '', message: '', ...form.values },
          errors: form.errors ?? {},
        },
        status,
      );
    };

    area.get('/organiser/sessions/:id/call/proposals/:pid', { schema: { params: CallParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'calls.read');
      const call = calls.get(session);
      return proposalPage(req, reply, session, call, calls.proposal(call, idOf(req.params.pid)));
    });

    area.post('/organiser/sessions/:id/call/proposals/:pid/decision', { schema: { params: CallParams, body: DecisionForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'calls.manage');
      const call = calls.get(session);
      const proposal = calls.proposal(call, idOf(req.params.pid));
      if (req.validationError) return proposalPage(req, reply, session, call, proposal, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          const p = calls.decide(session, proposal.id, body, organiser);
          return reply.redirect(`/organiser/sessions/${session.id}/call/proposals/${p.id}?msg=call.decided.${p.status}`, 303);
        },
        (errors, status) => proposalPage(req, reply, session, call, proposal, { values: textValues(body), errors }, status),
        { lang: langOf(req) },
      );
    });

    area.get('/organiser/sessions/:id/call/proposals.csv', { schema: { params: CallParams, querystring: Query({}) } }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'calls.manage');
      const list = calls.exportList(session, organiserActor(organiser));
      const header = ['id', 'status', 'title', 'summary', 'presenters', 'hub', 'country', 'language', 'materials_url', 'proposer_name', 'proposer_email', 'proposer_language', 'submitted_at_utc', 'decision_message'];
      const rows = list.map((p) => [
        p.id,
        p.status,
        p.title,
        p.summary,
        p.presenters.map((x) => `${x.name} (${x.affiliation})`).join('; '),
        hubName(p.hubId),
        p.country,
        p.language,
        p.materialsUrl ?? '',
        p.proposerName,
        p.proposerEmail,
        p.proposerLanguage,
        new Date(p.createdAt).toISOString(),
        p.decisionMessage,
      ]);
      req.log.info({ sessionId: session.id, rows: rows.length }, 'proposals exported');
      return reply
        .header('Content-Type', 'text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="case-studies-${session.id}.csv"`)
        .header('Cache-Control', 'no-store')
        .send(toCsv(header, rows));
    });
  });

  // ---------------------------------------------------------------- the personal link of an invited person

  /** What every personal page of an invitation shows: the call (deadline in the person's zone, named) and the session. */
  const personalData = (token: string, invitation: CallInvitation, call: Call, session: Session, lang: string) => ({
    token,
    invitation,
    session,
    hub: hubName(session.hubId),
    times: sessionTimes(session, invitation.zone, lang),
    call: shownCall(call, calls.state(call), lang, invitation.zone),
  });

  /**
   * A personal page of an invitation with a proposal form, in the person's language: what every such
   * page shows, the form's choices and errors, and the page's own (`own`: its title, values...).
   */
  const personalFormPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    view: string,
    link: { token: string; invitation: CallInvitation; call: Call },
    own: (session: Session, lang: string) => Record<string, unknown>,
    form: FormState,
    status: number,
  ) => {
    const { token, invitation, call } = link;
    const lang = personalLang(req, invitation.language);
    const session = sessions.get(call.sessionId);
    const data = { ...personalData(token, invitation, call, session, lang), errors: form.errors ?? {}, ...proposalChoices(sessions.hubs(), lang), lang, ...own(session, lang) };
    const html = await render(req, reply, view, data, status);
    // Personal: kept by no one (render's default is no-store only), never indexed, never memoised.
    personalPage(reply);
    return html;
  };

  /** The invited person's page: the call, the session in their zone, the form (while open) and their proposals. */
  const invitePage = async (req: FastifyRequest, reply: FastifyReply, token: string, form: FormState = {}, status = 200) => {
    const { invitation, call } = calls.byToken(token);
    const state = calls.state(call);
    return personalFormPage(
      req,
      reply,
      'pages/call',
      { token, invitation, call },
      (session, lang) => ({
        title: `${t(lang, 'call.title')}: ${session.title}`,
        mine: calls.proposalsOfInvitation(invitation).map((p) => ({ ...shownProposal(p, hubName, lang), editable: editable(p, state) })),
        values: { proposerName: invitation.name, proposerEmail: invitation.email, proposerLanguage: invitation.language, language: invitation.language, ...form.values },
      }),
      form,
      status,
    );
  };

  /** One proposal of an invited person, to change it (while it may be changed). */
  const editPage = async (req: FastifyRequest, reply: FastifyReply, token: string, pid: number, form: FormState = {}, status = 200) => {
    const { invitation, call, proposal } = calls.invitationProposal(token, pid);
    return personalFormPage(
      req,
      reply,
      'pages/call-proposal-edit',
      { token, invitation, call },
      (_session, lang) => ({
        title: `${t(lang, 'call.editProposal')}: ${proposal.title}`,
        proposal: shownProposal(proposal, hubName, lang),
        editable: editable(proposal, calls.state(call)),
        values: form.values ?? proposalValues(proposal),
      }),
      form,
      status,
    );
  };

  app.get('/calls/:token', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => invitePage(req, reply, req.params.token));

  app.post('/calls/:token/proposals', { schema: { params: TokenParams, body: ProposalForm }, attachValidation: true }, async (req, reply) => {
    const { token } = req.params;
    const { invitation, call } = calls.byToken(token);
    const lang = personalLang(req, invitation.language);
    if (req.validationError) return invitePage(req, reply, token, { values: textValues(req.body), errors: notTextErrors(lang, req.validationError) }, 400);
    const body = req.body ?? {};
    const session = sessions.get(call.sessionId);
    return answerForm(
      () => {
        const p = calls.proposeByToken(token, session, body);
        return reply.redirect(`/calls/${token}?msg=call.proposed#p-${p.id}`, 303);
      },
      (errors, status) => invitePage(req, reply, token, { values: textValues(body), errors }, status),
      { lang, statuses: [400, 409] },
    );
  });

  app.get('/calls/:token/proposals/:pid', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => editPage(req, reply, req.params.token, idOf(req.params.pid)));

  app.post('/calls/:token/proposals/:pid', { schema: { params: TokenParams, body: ProposalForm }, attachValidation: true }, async (req, reply) => {
    const { token } = req.params;
    const pid = idOf(req.params.pid);
    const { invitation, call } = calls.invitationProposal(token, pid);
    const lang = personalLang(req, invitation.language);
    if (req.validationError) return editPage(req, reply, token, pid, { values: textValues(req.body), errors: notTextErrors(lang, req.validationError) }, 400);
    const body = req.body ?? {};
    const session = sessions.get(call.sessionId);
    return answerForm(
      () => {
        calls.updateByToken(token, session, pid, body);
        return reply.redirect(`/calls/${token}?msg=call.proposalSaved#p-${pid}`, 303);
      },
      (errors, status) => editPage(req, reply, token, pid, { values: textValues(body), errors }, status),
      { lang, statuses: [400, 409] },
    );
  });
}
