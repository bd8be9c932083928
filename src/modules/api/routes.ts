import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import type { Hub } from '../sessions/index.js';
import type { Organiser } from '../organisers/index.js';
import type { Session } from '../sessions/index.js';
import { can } from '../../core/access/index.js';
import { tokenActor } from '../../core/audit/index.js';
import { roomProvider, tentativeLabel } from '../sessions/index.js';
import type { SessionInput } from '../sessions/index.js';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { formatDurationMinutes, placeTimes, toIsoInZone, toIsoUtc } from '../../core/time/index.js';
import { HubSchema, SessionSchema, SessionBody, SessionCreateBody, SessionCreatedSchema, EditScopeQuery, ErrorSchema, IdParams, SessionListQuery, DEFAULT_LIMIT, decodeCursor, encodeCursor } from './schemas.js';

const bearerOrganisers = new WeakMap<FastifyRequest, { organiser: Organiser; tokenName: string }>();






export function hubJson(h: Hub) {
  return { id: h.id, slug: h.slug, name: h.name, country: h.country, countryCode: h.countryCode, zone: h.zone, language: h.language };
}

/** A session's meeting room as the API reports it (only where it reports `joinUrl`). */
function roomJson(s: Session, jitsiBaseUrl: string | undefined) {
  const provider = s.roomKind === 'jitsi' ? 'jitsi' : roomProvider(s.joinUrl, jitsiBaseUrl);
  return { kind: s.roomKind, url: s.joinUrl, ...(s.jitsiRoom ? { jitsiRoom: s.jitsiRoom } : {}), ...(provider ? { provider } : {}) };
}

/** The API's `room` as the service's input: `room` wins over the older `joinUrl`. */
function roomInput<T extends { room?: { kind: 'url'; url: string } | { kind: 'jitsi' }; joinUrl?: string | null }>(body: T): Omit<T, 'room'> & SessionInput {
  const { room, ...rest } = body;
  if (!room) return rest;
  return room.kind === 'url' ? { ...rest, roomKind: 'url', joinUrl: room.url } : { ...rest, roomKind: 'jitsi' };
}

/** A session as the API reports it: its wall time and zone (the truth), its UTC instant, and the local time per country. */
export function sessionJson(s: Session, opts: { withJoinUrl?: boolean; jitsiBaseUrl?: string } = {}) {
  const { startUtc } = s;
  return {
    id: s.id,
    slug: s.slug,
    title: s.title,
    description: s.description,
    status: s.status,
    seriesId: s.seriesId,
    hubId: s.hubId,
    coHostIds: s.coHostIds,
    zone: s.zone,
    wallTime: s.startDate && s.startTime ? { date: s.startDate, time: s.startTime, zone: s.zone } : null,
    startUtc: s.startUtc === null ? null : toIsoUtc(s.startUtc),
    endUtc: s.endUtc === null ? null : toIsoUtc(s.endUtc),
    durationMinutes: s.durationMinutes,
    timeStated: s.timeStated,
    approximate: s.approxMonth ? { month: s.approxMonth, part: s.approxPart, label: tentativeLabel(s, 'en') ?? s.approxMonth } : null,
    capacity: s.capacity,
    language: s.language,
    sequence: s.sequence,
    calendarUid: s.calendarUid,
    reminderOffsets: s.reminderOffsets.map(formatDurationMinutes),
    ...(opts.withJoinUrl ? { joinUrl: s.joinUrl, room: roomJson(s, opts.jitsiBaseUrl) } : {}),
    places:
      startUtc === null
        ? []
        : placeTimes(startUtc, s.durationMinutes, s.zone).map((p) => ({
            key: p.place.key,
            city: p.place.city,
            country: p.place.country,
            zone: p.place.zone,
            localDate: p.date,
            localStart: p.time,
            localEnd: p.endTime,
            localIso: toIsoInZone(startUtc, p.place.zone),
            utcOffset: p.offset,
            endUtcOffset: p.endOffset,
            workingHours: p.workingHours,
          })),
  };
}

export default function apiRoutes(instance: FastifyInstance): void {
  const fastify = instance.withTypeProvider<TypeBoxTypeProvider>();
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { sessions, auth } = app.services;
  const jitsiBaseUrl = app.config.jitsiBaseUrl;

  // Requests with a body must be JSON (a browser form from another site cannot send that without
  // CORS): the app's body-type hook (core/render/boundary.ts) refuses anything else with 415.

  /** Bearer token → organiser; 401 without a valid one. */
  const requireToken = async (req: FastifyRequest, reply: FastifyReply) => {
    const h = req.headers.authorization;
    const token = h && /^Bearer\s+(\S+)$/i.exec(h)?.[1];
    const o = auth.callerForToken(token || undefined);
    if (!o) return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'unauthorized', message: 'a valid API token is required (Authorization: Bearer …)' });
    bearerOrganisers.set(req, o);
  };
  // Set by the bearer hook of every route that asks for it; without it the route forgot the hook (a server error).
  const bearer = (req: FastifyRequest) => {
    const o = bearerOrganisers.get(req);
    if (!o) throw new Error('caller on a route without the requireToken hook');
    return o;
  };
  const caller = (req: FastifyRequest) => bearer(req).organiser;
  /** Who the audit log names: the organiser's token, by its name. */
  const byToken = (req: FastifyRequest) => tokenActor(bearer(req).organiser, bearer(req).tokenName);
  const optionalCaller = (req: FastifyRequest) => {
    const token = req.headers.authorization && /^Bearer\s+(\S+)$/i.exec(req.headers.authorization)?.[1];
    return token ? auth.organiserForToken(token) : undefined;
  };

  app.get('/hubs', { config: { memo: true }, schema: { tags: ['hubs'], summary: 'The hubs of the network', response: { 200: Type.Array(HubSchema) } } }, () =>
    sessions.hubs().map(hubJson),
  );

  app.get('/series', { config: { memo: true }, schema: { tags: ['series'], summary: 'Series of related sessions', response: { 200: Type.Array(Type.Object({ id: Type.Integer(), slug: Type.String(), title: Type.String(), description: Type.String(), sessionIds: Type.Array(Type.Integer()) })) } } }, () =>
    sessions.seriesList().map((s) => ({ ...s, sessionIds: sessions.listBySeries(s.id).map((x) => x.id) })),
  );

  app.get(
    '/sessions',
    {
      config: { memo: true },
      schema: {
        tags: ['sessions'],
        summary: 'Sessions, a page at a time',
        description:
          'Sessions in date order (undated ones by when they were created), `limit` at a time. When more follow, the answer carries ' +
          '`Link: <…>; rel="next"` (the URL of the next page, filters kept) and `X-Next-Cursor` (the `cursor` to pass for it); ' +
          'the last page has neither. A page of a list that changes meanwhile never repeats or skips a session that stays put.',
        querystring: SessionListQuery,
        response: {
          200: Type.Array(SessionSchema, {
            headers: {
              Link: Type.String({ description: 'the next page: `<URL>; rel="next"`, when there is one' }),
              'X-Next-Cursor': Type.String({ description: 'the `cursor` of the next page, when there is one' }),
            },
          }),
          400: ErrorSchema,
        },
      },
    },
    (req, reply) => {
      const q = req.query;
      const o = optionalCaller(req);
      const limit = q.limit ?? DEFAULT_LIMIT;
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const page = sessions.listPage({ status: q.status, seriesId: q.seriesId }, limit, after);
      if (page.next) {
        const cursor = encodeCursor(page.next);
        const next = new URLSearchParams();
        if (q.status !== undefined) next.set('status', q.status);
        if (q.seriesId !== undefined) next.set('seriesId', String(q.seriesId));
        next.set('limit', String(limit));
        next.set('cursor', cursor);
        reply.header('Link', `</api/v1/sessions?${next.toString()}>; rel="next"`).header('X-Next-Cursor', cursor);
      }
      return page.items.map((s) => sessionJson(s, { jitsiBaseUrl, withJoinUrl: !!o && can(o, 'session.read', s) }));
    },
  );

  app.get('/sessions/:id', { config: { memo: true }, schema: { tags: ['sessions'], params: IdParams, response: { 200: SessionSchema, 404: ErrorSchema } } }, (req) => {
    const s = sessions.get(req.params.id);
    const o = optionalCaller(req);
    // Only the public materials, the same for every caller.
    const materials = app.services.materials.publicOf(s.id).map((m) => ({ kind: m.kind, title: m.title, url: m.url }));
    return { ...sessionJson(s, { jitsiBaseUrl, withJoinUrl: !!o && can(o, 'session.read', s) }), ...(materials.length ? { materials } : {}) };
  });

  app.post(
    '/sessions',
    {
      preHandler: requireToken,
      schema: {
        tags: ['sessions'],
        summary: 'Create a session, or a repeating one',
        description: 'With `repeat`, creates one series and `repeat.count` sessions in one go (all or nothing); the answer is the first session, with `repeat` listing them all.',
        security: [{ bearer: [] }],
        body: SessionCreateBody,
        response: { 201: SessionCreatedSchema, 400: ErrorSchema, 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      const { repeat, ...body } = req.body;
      const input = roomInput(body);
      if (repeat) {
        const made = sessions.createRepeating(input, repeat, caller(req), byToken(req));
        const [first] = made.sessions;
        if (!first) throw new Error('a repeat made no session');
        return reply
          .code(201)
          .header('Location', `/api/v1/sessions/${first.id}`)
          .send({ ...sessionJson(first, { jitsiBaseUrl, withJoinUrl: true }), repeat: { seriesId: made.series.id, sessions: made.sessions.map((s) => sessionJson(s, { jitsiBaseUrl, withJoinUrl: true })) } });
      }
      const s = sessions.create(input, caller(req), byToken(req));
      return reply.code(201).header('Location', `/api/v1/sessions/${s.id}`).send(sessionJson(s, { jitsiBaseUrl, withJoinUrl: true }));
    },
  );

  app.patch(
    '/sessions/:id',
    {
      preHandler: requireToken,
      schema: {
        tags: ['sessions'],
        summary: 'Change a session (with scope=following, also the later sessions of its series)',
        security: [{ bearer: [] }],
        params: IdParams,
        querystring: EditScopeQuery,
        body: SessionBody,
        response: { 200: SessionSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    (req) => {
      const [s] = sessions.updateScoped(req.params.id, roomInput(req.body), caller(req), req.query.scope ?? 'this', byToken(req));
      if (!s) throw new Error('an edit changed no session');
      return sessionJson(s, { jitsiBaseUrl, withJoinUrl: true });
    },
  );

  app.post(
    '/sessions/:id/cancel',
    {
      preHandler: requireToken,
      schema: { tags: ['sessions'], summary: 'Cancel a session', security: [{ bearer: [] }], params: IdParams, response: { 200: SessionSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema } },
    },
    (req) => sessionJson(sessions.cancel(req.params.id, caller(req), byToken(req)), { jitsiBaseUrl, withJoinUrl: true }),
  );

}
