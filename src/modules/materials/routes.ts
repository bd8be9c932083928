import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { can } from '../../core/access/index.js';
import { AppError } from '../../core/errors.js';
import { t } from '../../core/i18n/index.js';
import { ActionForm, Query, notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import type { Session } from '../sessions/index.js';
import { formChoices, organiserList } from './present.js';
import type { Material } from './repository.js';
import { MaterialForm, MaterialParams, MoveForm } from './schemas.js';

type Values = Record<string, string | string[]>;

/** The material's id in the path (0, found nowhere, for anything that is not one). */
const materialId = (raw: string | undefined): number => (raw !== undefined && /^\d{1,12}$/.test(raw) ? Number(raw) : 0);

const EMPTY: Values = { kind: 'slides', title: '', url: '', visibility: 'public' };
const valuesOf = (m: Material): Values => ({ kind: m.kind, title: m.title, url: m.url, visibility: m.visibility });

export default function materialRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, materials } = app.services;

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    /** The list with the form to add one (filled again after a refusal); co-hosting hubs only read. */
    const listPage = (req: FastifyRequest, reply: FastifyReply, session: Session, form: { values?: Values; errors?: FieldMessages } = {}, status = 200) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      return render(
        req,
        reply,
        'pages/organiser/materials',
        {
          title: `${t(lang, 'mat.title')}: ${session.title}`,
          session,
          materials: organiserList(materials.list(session.id), lang, organiser.zone),
          manage: can(organiser, 'materials.manage', session),
          values: { ...EMPTY, ...form.values },
          errors: form.errors ?? {},
          ...formChoices(lang),
        },
        status,
      );
    };

    const editPage = (req: FastifyRequest, reply: FastifyReply, session: Session, material: Material, form: { values?: Values; errors?: FieldMessages } = {}, status = 200) => {
      const lang = langOf(req);
      return render(
        req,
        reply,
        'pages/organiser/material-edit',
        { title: `${t(lang, 'mat.editTitle')}: ${material.title}`, session, material, values: form.values ?? valuesOf(material), errors: form.errors ?? {}, ...formChoices(lang) },
        status,
      );
    };

    const listUrl = (s: Session, msg: string, anchor = '') => `/organiser/sessions/${s.id}/materials?msg=${msg}${anchor}`;

    area.get('/organiser/sessions/:id/materials', { schema: { params: MaterialParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'session.read');
      return listPage(req, reply, session);
    });

    area.post('/organiser/sessions/:id/materials', { schema: { params: MaterialParams, body: MaterialForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'materials.manage');
      if (req.validationError) return listPage(req, reply, session, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          const m = materials.add(session, body, organiser.id);
          return reply.redirect(listUrl(session, 'mat.added', `#m-${m.id}`), 303);
        },
        (errors, status) => listPage(req, reply, session, { values: textValues(body), errors }, status),
        { lang: langOf(req) },
      );
    });

    area.get('/organiser/sessions/:id/materials/:mid/edit', { schema: { params: MaterialParams, querystring: Query({}) } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'materials.manage');
      return editPage(req, reply, session, materials.get(session, materialId(req.params.mid)));
    });

    area.post('/organiser/sessions/:id/materials/:mid', { schema: { params: MaterialParams, body: MaterialForm }, attachValidation: true }, async (req, reply) => {
      const organiser = signedInOrganiser(req);
      const session = sessions.getManaged(Number(req.params.id), organiser, 'materials.manage');
      const material = materials.get(session, materialId(req.params.mid));
      if (req.validationError) return editPage(req, reply, session, material, { values: textValues(req.body), errors: notTextErrors(langOf(req), req.validationError) }, 400);
      const body = req.body ?? {};
      return answerForm(
        () => {
          materials.update(session, material.id, body, organiser.id);
          return reply.redirect(listUrl(session, 'mat.saved', `#m-${material.id}`), 303);
        },
        (errors, status) => editPage(req, reply, session, material, { values: textValues(body), errors }, status),
        { lang: langOf(req) },
      );
    });

    area.post('/organiser/sessions/:id/materials/:mid/delete', { schema: { params: MaterialParams, body: ActionForm } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'materials.manage');
      materials.remove(session, materialId(req.params.mid));
      return reply.redirect(listUrl(session, 'mat.removed'), 303);
    });

    area.post('/organiser/sessions/:id/materials/:mid/move', { schema: { params: MaterialParams, body: MoveForm } }, async (req, reply) => {
      const session = sessions.getManaged(Number(req.params.id), signedInOrganiser(req), 'materials.manage');
      const direction = req.body?.direction;
      if (direction !== 'up' && direction !== 'down') throw new AppError('bad_direction', 'direction must be up or down', 400, 'direction');
      const id = materialId(req.params.mid);
      materials.move(session, id, direction);
      return reply.redirect(listUrl(session, 'mat.moved', `#m-${id}`), 303);
    });
  });
}
