/**
 * The audit log page: who did what and when, newest first, a page at a time, filtered by action,
 * actor, session and dates (whole days in the viewer's zone, named on the page). Administrators see
 * every entry; a hub organiser those about their hub's sessions (owned or co-hosted) and details,
 * and their own and their account's (the access policy's audit rule, applied in the query). Reading
 * it changes nothing.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AUDIT_ACTIONS } from '../../core/audit/index.js';
import { t } from '../../core/i18n/index.js';
import { notTextErrors, textValues } from '../../core/render/boundary.js';
import { langOf, render, viewerZoneOf } from '../../core/render/context.js';
import { answerForm, type FieldMessages } from '../../core/render/form.js';
import { zoneLabel } from '../../core/time/index.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { actionLabel, otherActorLabel, presentRow, type AuditItem } from './present.js';
import { OTHER_ACTORS } from './service.js';
import { AuditPageQuery } from './schemas.js';

const FILTERS = ['action', 'actor', 'session', 'from', 'to'] as const;

export default function auditRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { audit } = app.services;

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    const page = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string>, o: { items?: AuditItem[]; older?: string; errors?: FieldMessages } = {}, status = 200) => {
      const lang = langOf(req);
      const organiser = signedInOrganiser(req);
      const filtered = FILTERS.some((f) => values[f]);
      const first = new URLSearchParams(FILTERS.filter((f) => values[f]).map((f) => [f, values[f] ?? ''])).toString();
      return render(
        req,
        reply,
        'pages/organiser/audit',
        {
          title: t(lang, 'audit.title'),
          zone: zoneLabel(viewerZoneOf(req, organiser.zone)),
          retentionDays: app.config.retentionDays,
          isAdmin: organiser.role === 'admin',
          values,
          errors: o.errors ?? {},
          actions: AUDIT_ACTIONS.map((a) => ({ value: a, label: actionLabel(lang, a) })).sort((a, b) => a.label.localeCompare(b.label, lang)),
          actors: [
            ...audit.organisers().map((x) => ({ value: String(x.id), label: x.name })).sort((a, b) => a.label.localeCompare(b.label, lang)),
            ...OTHER_ACTORS.map((k) => ({ value: k, label: otherActorLabel(lang, k) })),
          ],
          items: o.items ?? [],
          filtered,
          newest: values.before ? `/organiser/audit${first ? `?${first}` : ''}` : '',
          older: o.older ? `/organiser/audit?${new URLSearchParams([...new URLSearchParams(first), ['before', o.older]]).toString()}` : '',
        },
        status,
      );
    };

    area.get('/organiser/audit', { schema: { querystring: AuditPageQuery }, attachValidation: true }, async (req, reply) => {
      const lang = langOf(req);
      // Text values only (a repeated parameter is the schema's 400, shown as it was typed where it can be).
      const values = Object.fromEntries(Object.entries(textValues(req.query)).filter((e): e is [string, string] => typeof e[1] === 'string'));
      if (req.validationError) return page(req, reply, values, { errors: notTextErrors(lang, req.validationError) }, 400);
      const organiser = signedInOrganiser(req);
      const zone = viewerZoneOf(req, organiser.zone);
      const hubs = new Map(audit.hubs().map((h) => [h.id, h.name]));
      const names = new Map(audit.organisers().map((x) => [x.id, x.name]));
      const hubName = (id: number) => hubs.get(id) ?? t(lang, 'audit.subject.hub', { id });
      return answerForm(
        () => {
          const { rows, next } = audit.page(organiser, req.query, zone);
          return page(req, reply, values, { items: rows.map((r) => presentRow(lang, zone, r, hubName, (id) => names.get(id))), older: next });
        },
        (errors, status) => page(req, reply, values, { errors }, status),
        { lang },
      );
    });
  });
}
