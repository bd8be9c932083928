/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { AppError } from '../../core/errors.js';
import type { ListKey } from '../sessions/index.js';

export const HubSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  name: Type.String(),
  country: Type.String(),
  countryCode: Type.String(),
  zone: Type.String({ description: 'IANA time zone' }),
  language: Type.String(),
});

export const PlaceTimeSchema = Type.Object({
  key: Type.String(),
  city: Type.String(),
  country: Type.String(),
  zone: Type.String(),
  localDate: Type.String(),
  localStart: Type.String(),
  localEnd: Type.String(),
  localIso: Type.String(),
  utcOffset: Type.String({ description: 'UTC offset at the start ("UTC+02:00"); kept under this name for compatibility' }),
  endUtcOffset: Type.String({ description: 'UTC offset at the end; differs from utcOffset when the clocks change during the session' }),
  workingHours: Type.Boolean({ description: 'start and end on a weekday within 09:00–18:00 local time' }),
});

/** A public material of a session: a link to slides, a recording, a report or something else. */
export const MaterialSchema = Type.Object({
  kind: Type.Union([Type.Literal('slides'), Type.Literal('recording'), Type.Literal('report'), Type.Literal('other')]),
  title: Type.String(),
  url: Type.String({ description: 'an absolute https:// address' }),
});

export const SessionSchema = Type.Object({
  id: Type.Integer(),
  slug: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: Type.Union([Type.Literal('tentative'), Type.Literal('scheduled'), Type.Literal('cancelled'), Type.Literal('completed')]),
  seriesId: Type.Union([Type.Null(), Type.Integer()]),
  hubId: Type.Integer(),
  coHostIds: Type.Array(Type.Integer()),
  zone: Type.String({ description: "the organiser's IANA zone (the truth, with wallTime)" }),
  wallTime: Type.Union([Type.Object({ date: Type.String(), time: Type.String(), zone: Type.String() }), Type.Null()]),
  startUtc: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  endUtc: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  durationMinutes: Type.Integer(),
  timeStated: Type.Boolean({ description: 'false when the source gave only the date and the time is assumed' }),
  approximate: Type.Union([Type.Object({ month: Type.String(), part: Type.Union([Type.Null(), Type.String()]), label: Type.String() }), Type.Null()]),
  capacity: Type.Union([Type.Null(), Type.Integer()]),
  language: Type.String(),
  sequence: Type.Integer(),
  calendarUid: Type.String(),
  reminderOffsets: Type.Array(Type.String()),
  joinUrl: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  room: Type.Optional(
    Type.Object(
      {
        kind: Type.Union([Type.Literal('url'), Type.Literal('jitsi')]),
        url: Type.Union([Type.Null(), Type.String()]),
        jitsiRoom: Type.Optional(Type.String({ description: 'the Jitsi room Kairos named (only for kind jitsi); kept across edits' })),
        provider: Type.Optional(Type.Union([Type.Literal('zoom'), Type.Literal('teams'), Type.Literal('webex'), Type.Literal('meet'), Type.Literal('jitsi')])),
      },
      { description: 'The meeting room, shown where `joinUrl` is (to callers whose token may read the session). Registrants reach it only through their personal join link.' },
    ),
  ),
  places: Type.Array(PlaceTimeSchema),
  materials: Type.Optional(
    Type.Array(MaterialSchema, { description: 'The public materials of the session, in their order: only in `GET /sessions/{id}`, and only when it has any (materials for registrants or attendees are never listed here).' }),
  ),
});

export const SessionBody = Type.Object(
  {
    title: Type.Optional(Type.String({ maxLength: 500 })),
    description: Type.Optional(Type.String({ maxLength: 10000 })),
    seriesId: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
    hubId: Type.Optional(Type.Integer()),
    coHostIds: Type.Optional(Type.Array(Type.Integer(), { maxItems: 50 })),
    status: Type.Optional(Type.Union([Type.Literal('tentative'), Type.Literal('scheduled'), Type.Literal('completed')])),
    date: Type.Optional(Type.String({ description: 'YYYY-MM-DD, wall clock in `zone`' })),
    time: Type.Optional(Type.String({ description: 'HH:MM, 24-hour, wall clock in `zone`' })),
    zone: Type.Optional(Type.String({ description: 'IANA time zone, e.g. Europe/Athens' })),
    durationMinutes: Type.Optional(Type.Integer()),
    approxMonth: Type.Optional(Type.Union([Type.Null(), Type.String()])),
    approxPart: Type.Optional(Type.Union([Type.Literal('early'), Type.Literal('mid'), Type.Literal('late'), Type.Null()])),
    joinUrl: Type.Optional(Type.Union([Type.Null(), Type.String()], { description: 'a pasted meeting address (same as `room: { kind: "url", url }`)' })),
    room: Type.Optional(
      Type.Union(
        [
          Type.Object({ kind: Type.Literal('url'), url: Type.String({ description: 'an absolute https address with no user name or password, at most 2000 characters' }) }, { additionalProperties: false }),
          Type.Object({ kind: Type.Literal('jitsi') }, { additionalProperties: false }),
        ],
        {
          description:
            'The meeting room: a pasted address (`url`), or a Jitsi Meet room that Kairos names on its Jitsi server (`jitsi`; refused naming `roomKind` when the server has none). ' +
            'A session keeps its Jitsi room across edits. Takes precedence over `joinUrl`; a refused address names `joinUrl`.',
        },
      ),
    ),
    capacity: Type.Optional(Type.Union([Type.Null(), Type.Integer()])),
    language: Type.Optional(Type.String()),
    doubleOptIn: Type.Optional(Type.Boolean()),
    reminderOffsets: Type.Optional(Type.Array(Type.Union([Type.Integer(), Type.String()]), { maxItems: 5, description: 'ISO 8601 durations before the start, e.g. ["P1D", "PT1H"]' })),
  },
  { additionalProperties: false },
);

/** A repeat rule of `POST /sessions`: the sessions it makes, the first on `date`, all at `time` in `zone`. */
export const RepeatSchema = Type.Object(
  {
    frequency: Type.Union([Type.Literal('weekly'), Type.Literal('monthly-weekday'), Type.Literal('monthly-day')], {
      description:
        'weekly: every `interval` weeks on the weekday of `date`; monthly-weekday: every `interval` months on the `ordinal` weekday of the month ' +
        '(the weekday of `date`, which must be that weekday of its month); monthly-day: every `interval` months on the day of the month of `date` ' +
        '(refused, listing the months, when a month lacks that day)',
    }),
    interval: Type.Optional(Type.Integer({ minimum: 1, maximum: 12, description: 'every how many weeks or months (default 1)' })),
    count: Type.Integer({ minimum: 2, maximum: 52, description: 'how many sessions, the first one included' }),
    ordinal: Type.Optional(
      Type.Union([Type.Literal('first'), Type.Literal('second'), Type.Literal('third'), Type.Literal('fourth'), Type.Literal('last')], { description: 'for monthly-weekday (default first)' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Makes `count` sessions, each at the same wall time in the same zone (so the UTC instant follows the clock changes), each with its own slug, calendar UID ' +
      'and registrations, in one series (a new one named after the session unless `seriesId` is given). Refused with 400 naming the field, nothing stored, when ' +
      'the wall time does not exist or happens twice on any of the dates (the dates are listed).',
  },
);

/** The body of `POST /sessions`: a session, optionally repeating. */
export const SessionCreateBody = Type.Object({ ...SessionBody.properties, repeat: Type.Optional(RepeatSchema) }, { additionalProperties: false });

/** The answer to `POST /sessions`: the (first) session, and with a repeat, the series and every session made. */
export const SessionCreatedSchema = Type.Object({
  ...SessionSchema.properties,
  repeat: Type.Optional(Type.Object({ seriesId: Type.Integer(), sessions: Type.Array(SessionSchema) })),
});

/** `PATCH /sessions/:id?scope=following` also changes the later sessions of the series. */
export const EditScopeQuery = Type.Object(
  {
    scope: Type.Optional(
      Type.Union([Type.Literal('this'), Type.Literal('following')], {
        description:
          'following: a change of title, description, time, zone or duration carries over to the later sessions of the series (same owning hub, not cancelled), ' +
          'each keeping its own date (a new date moves them by as many days); default this',
      }),
    ),
  },
  { additionalProperties: false },
);

export const ErrorSchema = Type.Object({ error: Type.String(), message: Type.String(), field: Type.Optional(Type.String()), fields: Type.Optional(Type.Array(Type.Any())) });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/** Sessions per page of `GET /sessions` unless `limit` says otherwise, and the most it may say. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

export const SessionListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ description: 'only sessions in this status (tentative, scheduled, cancelled, completed)' })),
    seriesId: Type.Optional(Type.Integer({ description: 'only the sessions of this series' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `sessions per page, 1–${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'where the page starts: the `X-Next-Cursor` of the page before (opaque); absent for the first page' }),
    ),
  },
  { additionalProperties: false },
);

/** The cursor after a session: base64url of its sort key and id, so that the next page starts right after it. */
export function encodeCursor(key: ListKey): string {
  return Buffer.from(`${key.at}.${key.id}`).toString('base64url');
}

/** The key a cursor from encodeCursor stands for; anything else is refused, naming `cursor`. */
export function decodeCursor(cursor: string): ListKey {
  const m = /^(-?\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  const at = Number(m?.[1]);
  const id = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(at) || !Number.isSafeInteger(id)) throw new AppError('cursor_invalid', 'not a cursor this list gave (take X-Next-Cursor or the Link header of the page before)', 400, 'cursor');
  return { at, id };
}
