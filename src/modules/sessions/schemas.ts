/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Query, Text, TextOrList } from '../../core/render/boundary.js';

export const FeedIdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

export const opt = Type.Optional;

export const SessionForm = Form({
  title: opt(Text),
  description: opt(Text),
  seriesId: opt(Text),
  hubId: opt(Text),
  coHostIds: opt(TextOrList),
  status: opt(Text),
  date: opt(Text),
  time: opt(Text),
  zone: opt(Text),
  durationMinutes: opt(Text),
  approxMonth: opt(Text),
  approxPart: opt(Text),
  joinUrl: opt(Text),
  roomKind: opt(Text),
  capacity: opt(Text),
  language: opt(Text),
  doubleOptIn: opt(Text),
  reminderOffsets: opt(Text),
  reminderPreset: opt(TextOrList),
  // A new session's repeat (none, weekly, monthly-weekday, monthly-day), and which button was pressed (preview or save).
  repeatFrequency: opt(Text),
  repeatInterval: opt(Text),
  repeatOrdinal: opt(Text),
  repeatCount: opt(Text),
  action: opt(Text),
  // An edit of a session in a series: only this one, or this and the following ones.
  scope: opt(Text),
});

/** `?page=N` of a paged list: a whole number from 1 to 9999 (anything else is refused, naming `page`). */
export const PageQuery = Query({ page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })) });
