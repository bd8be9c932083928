import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { t } from '../../core/i18n/index.js';
import type { Session } from './repository.js';
import { sessionTimes } from './present.js';
import { langOf, render, viewerZoneOf } from '../../core/render/context.js';
import { organiserOf } from '../organisers/index.js';
import { Query } from '../../core/render/boundary.js';

export default function publicRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = app.services;

  app.get('/', { schema: { querystring: Query({}) } }, async (req, reply) => {
    const lang = langOf(req);
    const zone = viewerZoneOf(req, organiserOf(req)?.zone ?? 'Europe/Athens');
    const all = sessions.list();
    const { upcoming, past } = sessions.partition(all);
    const seriesTitle = new Map(sessions.seriesList().map((s) => [s.id, s.title]));
    const group = (list: Session[]) => {
      const groups = new Map<string, { title: string; items: unknown[] }>();
      for (const s of list) {
        const key = s.seriesId === null ? '' : String(s.seriesId);
        let g = groups.get(key);
        if (!g) {
          g = { title: s.seriesId === null ? t(lang, 'home.noSeries') : seriesTitle.get(s.seriesId) ?? '', items: [] };
          groups.set(key, g);
        }
        g.items.push({ session: s, times: sessionTimes(s, zone, lang) });
      }
      return [...groups.values()];
    };
    return render(req, reply, 'pages/home', { title: t(lang, 'home.title'), upcoming: group(upcoming), past: group(past), zone });
  });
}
