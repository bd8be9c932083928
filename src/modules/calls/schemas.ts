/**
 * The TypeBox schemas of this module's requests: form bodies and path parameters.
 * Pages take web forms (every field text, see core/render/boundary.ts).
 */
import Type from 'typebox';
import { Form, Params, Query, Text } from '../../core/render/boundary.js';

export const CallParams = Params({ id: Text, pid: Type.Optional(Text) });

export const TokenParams = Params({ token: Text, pid: Type.Optional(Text) });

export const ListQuery = Query({ hub: Type.Optional(Text), country: Type.Optional(Text), status: Type.Optional(Text) });

export const CallForm = Form({ deadlineDate: Type.Optional(Text), deadlineTime: Type.Optional(Text), intro: Type.Optional(Text) });

export const InviteForm = Form({ name: Type.Optional(Text), email: Type.Optional(Text), language: Type.Optional(Text), zone: Type.Optional(Text) });

export const DecisionForm = Form({ decision: Type.Optional(Text), message: Type.Optional(Text) });

const presenterFields = Object.fromEntries([1, 2, 3, 4, 5].flatMap((i) => [[`presenterName${i}`, Type.Optional(Text)], [`presenterAffiliation${i}`, Type.Optional(Text)]]));

export const ProposalForm = Form({
  title: Type.Optional(Text),
  summary: Type.Optional(Text),
  hubId: Type.Optional(Text),
  country: Type.Optional(Text),
  language: Type.Optional(Text),
  materialsUrl: Type.Optional(Text),
  proposerName: Type.Optional(Text),
  proposerEmail: Type.Optional(Text),
  proposerLanguage: Type.Optional(Text),
  ...presenterFields,
});
