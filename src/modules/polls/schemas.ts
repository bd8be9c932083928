/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Params, Query, Text, TextOrList } from '../../core/render/boundary.js';

export const opt = Type.Optional;

export const SessionParams = Params({ id: Text });

export const TokenParams = Params({ token: Text });

export const PollQuery = Query({
  from: opt(Text), to: opt(Text), durationMinutes: opt(Text), zone: opt(Text),
  invited: opt(Text), already: opt(Text), noConsent: opt(Text), invalid: opt(Text),
});

export const SettingsForm = Form({ zone: opt(Text), deadlineDate: opt(Text), deadlineTime: opt(Text), reminderHours: opt(Text) });

export const SlotForm = Form({ date: opt(Text), time: opt(Text), zone: opt(Text), durationMinutes: opt(Text), back: opt(Text) });

export const InviteForm = Form({ hubIds: opt(TextOrList), registrants: opt(Text) });

export const PickForm = Form({ slotId: opt(Text) });
