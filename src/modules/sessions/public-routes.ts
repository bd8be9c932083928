import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t, type Language } from '../../core/i18n/index.js';
import type { Session } from './repository.js';
import { sessionTimes } from './present.js';
import { langOf, render, viewerZoneOf } from '../../core/render/context.js';
import { organiserOf } from '../organisers/index.js';
import { PageQuery } from './schemas.js';

/** Sessions per page of the home page's lists. */
export const HOME_PAGE_SIZE = 20;

interface Pager {
  label: string;
  /** Whether the links are the page's own sequence (rel="prev"/"next"); false for a link onward from another list. */
  rel: boolean;
  prev?: string;
  next?: string;
  prevText?: string;
  nextText?: string;
  /** "Page 2", when the list runs over several. */
  current?: string;
}

export default function publicRoutes(instance: FastifyInstance): void {
  const app = instance.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions } = app.services;

  /** Sessions grouped by series, in list order (a series' group stands where its first session does). */
  const group = (list: Session[], zone: string, lang: Language) => {
    const seriesTitle = new Map(sessions.seriesList().map((s) => [s.id, s.title]));
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
  const pageHref = (path: string, page: number) => (page === 1 ? path : `${path}?page=${page}`);
  /** Links to the pages beside `page` of a list at `path`; none when the list fits on one page. */
  const pager = (path: string, page: number, more: boolean, lang: Language, which: 'upcoming' | 'past'): Pager | undefined =>
    page === 1 && !more
      ? undefined
      : {
          label: t(lang, which === 'upcoming' ? 'home.pages.upcoming' : 'home.pages.past'),
          rel: true,
          prev: page > 1 ? pageHref(path, page - 1) : undefined,
          next: more ? pageHref(path, page + 1) : undefined,
          prevText: t(lang, 'home.prevPage'),
          nextText: t(lang, 'home.nextPage'),
          current: t(lang, 'home.pageN', { page }),
        };
  const viewer = (req: FastifyRequest) => {
    const lang = langOf(req);
    return { lang, zone: viewerZoneOf(req, organiserOf(req)?.zone ?? 'Europe/Athens') };
  };
  /** A page past the last one: says so and links back to the first. */
  const beyond = (path: string, lang: Language) => ({ none: 'home.noMore', back: { href: path, text: t(lang, 'home.backToFirst') } });

  // Upcoming sessions (soonest first), a page at a time; the first page also shows the latest past
  // ones, and links to the rest of them.
  app.get('/', { config: { memo: true }, schema: { querystring: PageQuery } }, async (req, reply) => {
    const { lang, zone } = viewer(req);
    const page = Number(req.query.page ?? 1);
    const upcoming = sessions.page('upcoming', page, HOME_PAGE_SIZE);
    const sections: unknown[] = [
      {
        key: 'upcoming',
        groups: group(upcoming.items, zone, lang),
        pager: upcoming.items.length ? pager('/', page, upcoming.more, lang, 'upcoming') : undefined,
        ...(page > 1 && !upcoming.items.length ? beyond('/', lang) : {}),
      },
    ];
    if (page === 1) {
      const past = sessions.page('past', 1, HOME_PAGE_SIZE);
      const onward: Pager | undefined = past.more ? { label: t(lang, 'home.pages.past'), rel: false, next: '/past?page=2', nextText: t(lang, 'home.earlier') } : undefined;
      sections.push({ key: 'past', groups: group(past.items, zone, lang), pager: onward });
    }
    return render(req, reply, 'pages/home', { title: t(lang, 'home.title'), sections, zone });
  });

  // Past sessions (latest first), a page at a time.
  app.get('/past', { config: { memo: true }, schema: { querystring: PageQuery } }, async (req, reply) => {
    const { lang, zone } = viewer(req);
    const page = Number(req.query.page ?? 1);
    const past = sessions.page('past', page, HOME_PAGE_SIZE);
    const section = {
      key: 'past',
      groups: group(past.items, zone, lang),
      pager: past.items.length ? pager('/past', page, past.more, lang, 'past') : undefined,
      ...(page > 1 && !past.items.length ? beyond('/past', lang) : {}),
    };
    return render(req, reply, 'pages/home', { title: t(lang, 'home.pastTitle'), sections: [section], zone, upcomingLink: t(lang, 'home.upcomingLink') });
  });
}
