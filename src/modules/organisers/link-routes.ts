/**
 * The personal links of organiser accounts, and the forgotten-password form:
 *
 * - `GET /invitations/:token` asks the invited person for a password; `POST` makes the account,
 *   spends the invitation and signs them in.
 * - `GET /password/forgot` and `POST`: the same answer whether or not the address has an account
 *   (limited per client address; a few mails per account an hour at most).
 * - `GET /password/reset/:token` asks for a new password; `POST` sets it, spends the link, ends
 *   every login session of the person and sends the browser on to `GET /password/reset/done`, which
 *   says so (a reload asks for that page again, never sends the form again).
 *
 * A link that no longer opens (used, withdrawn, expired, unknown) gets a page saying what happened
 * and what to do. GET changes nothing.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { t, tKey } from '../../core/i18n/index.js';
import { Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langChosen, langOf, personalLang, personalPage, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { type LinkProblem } from './account-links.js';
import { roleLabel } from './present.js';
import { clientKey } from './routes.js';
import { ForgotForm, NewPasswordForm, TokenParams } from './schemas.js';
import { setLoginCookie } from './signed-in.js';

/** Forgotten-password posts accepted per client address per minute. */
export const FORGOT_PER_ADDRESS_PER_MINUTE = 5;

type LinkKind = 'invite' | 'reset';

const problemStatus = (p: LinkProblem) => (p === 'unknown' ? 404 : p === 'taken' ? 409 : 410);

export default function linkRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = app.services;

  const closed = (req: FastifyRequest, reply: FastifyReply, kind: LinkKind, problem: LinkProblem) => {
    personalPage(reply);
    const lang = langOf(req);
    return render(
      req,
      reply,
      'pages/link-closed',
      { title: t(lang, `account.${kind}.closed.title`), message: tKey(lang, `account.${kind}.closed.${problem}`, `account.${kind}.closed.unknown`), kind, problem },
      problemStatus(problem),
    );
  };

  /** The problem of a link the service found closed while the form was being answered. */
  const problemOf = (err: unknown): LinkProblem | undefined => {
    const p = err instanceof AppError && err.code === 'link_closed' ? err.params.problem : undefined;
    return p === 'used' || p === 'withdrawn' || p === 'expired' || p === 'unknown' || p === 'taken' ? p : undefined;
  };

  // ---------------------------------------------------------------- invitations

  const invitationPage = (req: FastifyRequest, reply: FastifyReply, token: string, errors: FieldMessages = {}, status = 200) => {
    const state = accounts.invitationState(token);
    if (!state.ok) return closed(req, reply, 'invite', state.problem);
    const inv = state.row;
    personalPage(reply);
    const lang = personalLang(req, inv.language);
    const hub = inv.hubId === null ? undefined : accounts.hubs().find((h) => h.id === inv.hubId);
    return render(
      req,
      reply,
      'pages/invitation',
      { lang, title: t(lang, 'account.invite.title'), name: inv.name, email: inv.email, role: roleLabel(lang, inv.role, hub), action: `/invitations/${token}`, errors },
      status,
    );
  };

  app.get('/invitations/:token', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => invitationPage(req, reply, req.params.token));

  app.post('/invitations/:token', { schema: { params: TokenParams, body: NewPasswordForm }, attachValidation: true }, async (req, reply) => {
    const token = req.params.token;
    if (req.validationError) return invitationPage(req, reply, token, notTextErrors(langOf(req), req.validationError), 400);
    const body = req.body ?? {};
    try {
      return await answerForm(
        async () => {
          const { organiser, sid } = await accounts.acceptInvitation(token, body.password ?? '', body.confirm ?? '');
          req.log.info({ organiserId: organiser.id }, 'invitation accepted; account made');
          setLoginCookie(reply, sid);
          return reply.redirect('/organiser?msg=account.welcome', 303);
        },
        (errors, status) => invitationPage(req, reply, token, errors, status),
        {
          lang: () => {
            const state = accounts.invitationState(token);
            return state.ok ? personalLang(req, state.row.language) : langOf(req);
          },
        },
      );
    } catch (err) {
      const problem = problemOf(err);
      if (problem) return closed(req, reply, 'invite', problem);
      throw err;
    }
  });

  // ---------------------------------------------------------------- forgotten password

  const forgotPage = (req: FastifyRequest, reply: FastifyReply, o: { email?: string; sent?: boolean; errors?: FieldMessages } = {}, status = 200) => {
    const lang = langOf(req);
    return render(
      req,
      reply,
      'pages/password-forgot',
      { title: t(lang, 'account.forgot.title'), email: o.email ?? '', sent: o.sent ?? false, errors: o.errors ?? {} },
      status,
    );
  };

  app.get('/password/forgot', { schema: { querystring: Query({}) } }, async (req, reply) => forgotPage(req, reply));

  app.post(
    '/password/forgot',
    {
      config: { rateLimit: { max: FORGOT_PER_ADDRESS_PER_MINUTE, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => clientKey(req.ip) } },
      schema: { body: ForgotForm },
      attachValidation: true,
    },
    async (req, reply) => {
      if (req.validationError) {
        const typed = textValues(req.body).email;
        return forgotPage(req, reply, { email: typeof typed === 'string' ? typed : '', errors: notTextErrors(langOf(req), req.validationError) }, 400);
      }
      const typed = (req.body?.email ?? '').slice(0, 320);
      return answerForm(
        () => {
          accounts.requestReset(typed);
          // The same answer whether or not an account has this address.
          return forgotPage(req, reply, { sent: true });
        },
        // Only something that is not an email address at all is refused, beside its field.
        (errors, status) => forgotPage(req, reply, { email: typed, errors }, status),
        { lang: langOf(req) },
      );
    },
  );

  // ---------------------------------------------------------------- reset links

  const resetPage = (req: FastifyRequest, reply: FastifyReply, token: string, errors: FieldMessages = {}, status = 200) => {
    const state = accounts.resetState(token);
    if (!state.ok) return closed(req, reply, 'reset', state.problem);
    personalPage(reply);
    const lang = langOf(req);
    return render(req, reply, 'pages/password-reset', { title: t(lang, 'account.reset.title'), action: `/password/reset/${token}`, errors }, status);
  };

  // The answer to a reset that worked: a page of its own, so that a reload does not send the form again.
  app.get('/password/reset/done', { schema: { querystring: Query({}) } }, async (req, reply) =>
    render(req, reply, 'pages/password-done', { title: t(langOf(req), 'account.reset.doneTitle') }),
  );

  app.get('/password/reset/:token', { schema: { params: TokenParams, querystring: Query({}) } }, async (req, reply) => resetPage(req, reply, req.params.token));

  app.post('/password/reset/:token', { schema: { params: TokenParams, body: NewPasswordForm }, attachValidation: true }, async (req, reply) => {
    const token = req.params.token;
    const lang = langOf(req);
    if (req.validationError) return resetPage(req, reply, token, notTextErrors(lang, req.validationError), 400);
    const body = req.body ?? {};
    try {
      return await answerForm(
        async () => {
          await accounts.resetPassword(token, body.password ?? '', body.confirm ?? '');
          req.log.info('password reset from a link; every login session ended');
          const chosen = langChosen(req);
          return reply.redirect(`/password/reset/done${chosen ? `?lang=${chosen}` : ''}`, 303);
        },
        (errors, status) => resetPage(req, reply, token, errors, status),
        { lang },
      );
    } catch (err) {
      const problem = problemOf(err);
      if (problem) return closed(req, reply, 'reset', problem);
      throw err;
    }
  });
}
