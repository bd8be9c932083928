/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Params, Query, Text } from '../../core/render/boundary.js';

export const RegistrationForm = Form({
  name: Type.Optional(Text),
  email: Type.Optional(Text),
  organisation: Type.Optional(Text),
  orgType: Type.Optional(Text),
  hubId: Type.Optional(Text),
  country: Type.Optional(Text),
  language: Type.Optional(Text),
  zone: Type.Optional(Text),
  consent: Type.Optional(Text),
  followupConsent: Type.Optional(Text),
});

export const TokenParams = Params({ token: Text });

export const PreferencesForm = Form({ language: Type.Optional(Text), zone: Type.Optional(Text), followupConsent: Type.Optional(Text) });

export const opt = Type.Optional;

export const RegQuery = Query({ status: opt(Text), hub: opt(Text), country: opt(Text), orgType: opt(Text) });

export const SessionParams = Params({ id: Text });

export const MessageForm = Form({ subject: opt(Text), body: opt(Text), audience: opt(Text) });

export const QuestionForm = Form({ label: opt(Text), kind: opt(Text), options: opt(Text), required: opt(Text) });
