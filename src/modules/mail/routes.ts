/**
 * Organiser mail page: the outbox as a mailbox. Lists what was queued and sent (with the local
 * copy when there is no SMTP relay), shows one email as rendered, lets an organiser send a failed
 * one again, and an administrator resume sending after a pause.
 *
 * Hub organisers see the mail of sessions their hub owns, and of sessions it co-hosts only the mail
 * to registrants who chose their hub (the access policy's mail rule); administrators see all.
 *
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OUTBOX_STATUSES } from '../../core/outbox/types.js';
import { idParams, listQuery } from './schemas.js';
import { t, tKey, type Language } from '../../core/i18n/index.js';
import { formatInZone } from '../../core/time/index.js';
import { langOf, render } from '../../core/render/context.js';
import { requireOrganiser, signedInOrganiser } from '../organisers/index.js';
import { ActionForm } from '../../core/render/boundary.js';
import { canGlobal } from '../../core/access/index.js';

const PAGE_SIZE = 50;

/** What an email is, in the organiser's words, until it is sent and has its subject. */
function kindLabel(lang: Language, kind: string): string {
  return tKey(lang, `email.kind.${kind}`, 'email.admin.subjectLater');
}

export default function organiserMailRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const mailbox = app.services.mail;

  const when = (req: FastifyRequest, ms: number | null) => {
    if (ms === null) return '';
    return formatInZone(ms, signedInOrganiser(req).zone, langOf(req), 'medium');
  };

  app.register((plain) => {
    const area = plain.withTypeProvider<TypeBoxTypeProvider>();
    area.addHook('preHandler', requireOrganiser);

    area.get(
      '/organiser/mail',
      { schema: { querystring: listQuery } },
      async (req, reply) => {
        const o = signedInOrganiser(req);
        const lang = langOf(req);
        const status = req.query.status || undefined;
        const page = Number(req.query.page ?? 1);
        const sessionId = req.query.session === undefined ? undefined : Number(req.query.session);
        const { rows, total, summary } = mailbox.page(o, { status, sessionId, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
        const link = (p: number) => {
          const q = new URLSearchParams();
          if (status) q.set('status', status);
          if (req.query.session) q.set('session', String(req.query.session));
          if (p > 1) q.set('page', String(p));
          const s = q.toString();
          return `/organiser/mail${s ? `?${s}` : ''}`;
        };
        return render(req, reply, 'pages/organiser/mail', {
          title: t(lang, 'email.admin.title'),
          local: !app.config.smtpUrl,
          isAdmin: canGlobal(o, 'mail.resume'),
          summary,
          pausedUntil: summary.pause.paused ? when(req, summary.pause.until) : '',
          statuses: OUTBOX_STATUSES.map((s) => ({ value: s, label: t(lang, `email.status.${s}`), count: summary.counts[s] })),
          status: status ?? '',
          items: rows.map((r) => ({
            ...r,
            statusLabel: t(lang, `email.status.${r.status}`),
            kindLabel: kindLabel(lang, r.kind),
            createdText: when(req, r.createdAt),
            sentText: when(req, r.sentAt),
          })),
          newer: page > 1 ? link(page - 1) : '',
          older: page * PAGE_SIZE < total ? link(page + 1) : '',
        });
      },
    );

    area.get('/organiser/mail/:id', { schema: { params: idParams } }, async (req, reply) => {
      const lang = langOf(req);
      const mail = mailbox.get(signedInOrganiser(req), Number(req.params.id));
      return render(req, reply, 'pages/organiser/mail-message', {
        title: `${t(lang, 'email.admin.title')}: ${mail.subject ?? kindLabel(lang, mail.kind)}`,
        kindLabel: kindLabel(lang, mail.kind),
        mail,
        statusLabel: t(lang, `email.status.${mail.status}`),
        createdText: when(req, mail.createdAt),
        sentText: when(req, mail.sentAt),
        canRetry: mail.status === 'failed' || mail.status === 'expired' || mail.status === 'withdrawn',
      });
    });

    area.post('/organiser/mail/:id/retry', { schema: { params: idParams, body: ActionForm } }, async (req, reply) => {
      const mail = mailbox.retry(signedInOrganiser(req), Number(req.params.id));
      return reply.redirect(`/organiser/mail/${mail.id}?msg=email.admin.retried`, 303);
    });

    area.post('/organiser/mail/resume', { schema: { body: ActionForm } }, async (req, reply) => {
      mailbox.resume(signedInOrganiser(req));
      return reply.redirect('/organiser/mail?msg=email.admin.resumed', 303);
    });
  });
}
