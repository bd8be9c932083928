/**
 * People (`/organiser/people`, administrators only): the organisers and the invitations still open;
 * invite by email, change a person's role and hub, deactivate and reactivate, withdraw an invitation.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { assertCanGlobal } from '../../core/access/index.js';
import { organiserActor } from '../../core/audit/index.js';
import { t } from '../../core/i18n/index.js';
import { ActionForm, IdParams, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { hubOptions, invitationRows, languageOptions, peopleRows, roleOptions } from './present.js';
import { InviteForm, PageQuery, RoleForm } from './schemas.js';
import { requireOrganiser, signedInOrganiser } from './signed-in.js';

interface PageState {
  /** What was typed in the invitation form, when it comes back. */
  values?: Record<string, string | string[]>;
  errors?: FieldMessages;
  /** Messages of one person's row (role and hub, deactivation), by organiser id. */
  rowErrors?: Record<number, FieldMessages>;
  rowValues?: Record<number, Record<string, string | string[]>>;
  /** The page of the list shown (from 1): the one asked for, or the one of the person whose row answers. */
  page?: number;
}

/** The address of a page of the people list, with a message to show on it. */
const peopleHref = (page: number, msg?: string): string => {
  const q = new URLSearchParams();
  if (page > 1) q.set('page', String(page));
  if (msg) q.set('msg', msg);
  const s = q.toString();
  return `/organiser/people${s ? `?${s}` : ''}`;
};

export default function peopleRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, clock } = app.services;

  const page = (req: FastifyRequest, reply: FastifyReply, state: PageState = {}, status = 200) => {
    const viewer = signedInOrganiser(req);
    const lang = langOf(req);
    const at = state.page ?? 1;
    const { organisers, more, invitations } = accounts.people(viewer, at);
    const hubs = accounts.hubs();
    return render(
      req,
      reply,
      'pages/organiser/people',
      {
        title: t(lang, 'people.title'),
        people: peopleRows(lang, viewer, organisers, hubs),
        pager:
          organisers.length && (at > 1 || more)
            ? { label: t(lang, 'people.pages'), prev: at > 1 ? peopleHref(at - 1) : undefined, next: more ? peopleHref(at + 1) : undefined, current: t(lang, 'home.pageN', { page: at }) }
            : undefined,
        beyond: at > 1 && !organisers.length,
        invitations: invitationRows(lang, viewer, invitations, hubs, clock.now()),
        roles: roleOptions(lang),
        hubs: hubOptions(lang, hubs),
        languageChoices: languageOptions(),
        values: { role: 'hub', language: lang, ...(state.values ?? {}) },
        errors: state.errors ?? {},
        rowErrors: state.rowErrors ?? {},
        rowValues: state.rowValues ?? {},
      },
      status,
    );
  };

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);
    // Administrators only: everyone else is refused before anything is read.
    area.addHook('preHandler', (req, _reply, done) => {
      try {
        assertCanGlobal(signedInOrganiser(req), 'organisers.manage');
        done();
      } catch (err) {
        done(err as Error);
      }
    });

    area.get('/organiser/people', { schema: { querystring: PageQuery } }, async (req, reply) => page(req, reply, { page: Number(req.query.page ?? 1) }));

    area.post('/organiser/people/invitations', { schema: { body: InviteForm }, attachValidation: true }, async (req, reply) => {
      const lang = langOf(req);
      if (req.validationError) return page(req, reply, { values: textValues(req.body), errors: notTextErrors(lang, req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          const o = signedInOrganiser(req);
          const inv = accounts.invite(o, body, organiserActor(o));
          req.log.info({ invitationId: inv.id }, 'organiser invited');
          return reply.redirect('/organiser/people?msg=people.invited', 303);
        },
        (errors, status) => page(req, reply, { values: textValues(body), errors }, status),
        { lang },
      );
    });

    area.post('/organiser/people/invitations/:id/withdraw', { schema: { params: IdParams, body: ActionForm } }, async (req, reply) => {
      const o = signedInOrganiser(req);
      accounts.withdrawInvitation(o, Number(req.params.id), organiserActor(o));
      return reply.redirect('/organiser/people?msg=people.withdrawn', 303);
    });

    area.post('/organiser/people/:id', { schema: { params: IdParams, body: RoleForm }, attachValidation: true }, async (req, reply) => {
      const id = Number(req.params.id);
      const lang = langOf(req);
      const at = accounts.pageOf(signedInOrganiser(req), id);
      if (req.validationError) return page(req, reply, { rowErrors: { [id]: notTextErrors(lang, req.validationError) }, rowValues: { [id]: textValues(req.body) }, page: at }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          const o = signedInOrganiser(req);
          accounts.changeRole(o, id, body, organiserActor(o));
          req.log.info({ organiserId: id }, 'organiser role changed');
          return reply.redirect(peopleHref(at, 'people.roleSaved'), 303);
        },
        (errors, status) => page(req, reply, { rowErrors: { [id]: errors }, rowValues: { [id]: textValues(body) }, page: at }, status),
        { lang, statuses: [400, 409] },
      );
    });

    area.post('/organiser/people/:id/deactivate', { schema: { params: IdParams, body: ActionForm } }, async (req, reply) => {
      const id = Number(req.params.id);
      const at = accounts.pageOf(signedInOrganiser(req), id);
      return answerForm(
        () => {
          const o = signedInOrganiser(req);
          accounts.deactivate(o, id, organiserActor(o));
          req.log.info({ organiserId: id }, 'organiser deactivated');
          return reply.redirect(peopleHref(at, 'people.deactivatedMsg'), 303);
        },
        (errors, status) => page(req, reply, { rowErrors: { [id]: errors }, page: at }, status),
        { lang: langOf(req), statuses: [409] },
      );
    });

    area.post('/organiser/people/:id/reactivate', { schema: { params: IdParams, body: ActionForm } }, async (req, reply) => {
      const id = Number(req.params.id);
      const o = signedInOrganiser(req);
      accounts.reactivate(o, id, organiserActor(o));
      req.log.info({ organiserId: id }, 'organiser reactivated');
      return reply.redirect(peopleHref(accounts.pageOf(o, id), 'people.reactivatedMsg'), 303);
    });
  });
}
