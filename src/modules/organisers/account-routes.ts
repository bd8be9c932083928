/**
 * The signed-in organiser's own account (`/organiser/account`): name, language and time zone; and
 * the password, changed with the current one (every other login session then ends).
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { organiserActor } from '../../core/audit/index.js';
import { t } from '../../core/i18n/index.js';
import { Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render, SESSION_COOKIE } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { zoneOptions } from '../../core/render/zone-options.js';
import { languageOptions } from './present.js';
import { PasswordChangeForm, ProfileForm } from './schemas.js';
import { requireOrganiser, signedInOrganiser } from './signed-in.js';

interface PageState {
  profile?: Record<string, string | string[]>;
  profileErrors?: FieldMessages;
  passwordErrors?: FieldMessages;
}

export default function accountRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts } = app.services;

  const page = (req: FastifyRequest, reply: FastifyReply, state: PageState = {}, status = 200) => {
    const o = signedInOrganiser(req);
    return render(
      req,
      reply,
      'pages/organiser/account',
      {
        title: t(langOf(req), 'account.title'),
        profile: { name: o.name, language: o.language, zone: o.zone, ...(state.profile ?? {}) },
        email: o.email,
        languageChoices: languageOptions(),
        zones: zoneOptions(langOf(req), app.services.clock.now()),
        profileErrors: state.profileErrors ?? {},
        passwordErrors: state.passwordErrors ?? {},
      },
      status,
    );
  };

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    area.get('/organiser/account', { schema: { querystring: Query({}) } }, async (req, reply) => page(req, reply));

    area.post('/organiser/account', { schema: { body: ProfileForm }, attachValidation: true }, async (req, reply) => {
      const lang = langOf(req);
      if (req.validationError) return page(req, reply, { profile: textValues(req.body), profileErrors: notTextErrors(lang, req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          accounts.updateProfile(signedInOrganiser(req), body);
          return reply.redirect('/organiser/account?msg=org.saved', 303);
        },
        (errors, status) => page(req, reply, { profile: textValues(body), profileErrors: errors }, status),
        { lang },
      );
    });

    area.post('/organiser/account/password', { schema: { body: PasswordChangeForm }, attachValidation: true }, async (req, reply) => {
      const lang = langOf(req);
      // Passwords are never shown again, whatever happens.
      if (req.validationError) return page(req, reply, { passwordErrors: notTextErrors(lang, req.validationError) }, 400);
      const o = signedInOrganiser(req);
      return answerForm(
        async () => {
          await accounts.changePassword(o, req.cookies[SESSION_COOKIE], req.body ?? {}, organiserActor(o));
          req.log.info({ organiserId: o.id }, 'password changed; other login sessions ended');
          return reply.redirect('/organiser/account?msg=account.passwordChanged', 303);
        },
        (errors, status) => page(req, reply, { passwordErrors: errors }, status),
        { lang },
      );
    });
  });
}
