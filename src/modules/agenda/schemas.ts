/**
 * The TypeBox schemas of this module's requests: form bodies and path parameters.
 * Pages take web forms (every field text, see core/render/boundary.ts).
 */
import Type from 'typebox';
import { Form, Params, Text } from '../../core/render/boundary.js';

export const AgendaParams = Params({ id: Text, iid: Type.Optional(Text) });

/** The item form; speakers come as speaker1Name, speaker1Affiliation … (checked as text like every other field). */
export const ItemForm = Form({ kind: Type.Optional(Text), title: Type.Optional(Text), durationMinutes: Type.Optional(Text) });

export const MoveForm = Form({ direction: Type.Optional(Text) });

export const ProposalParams = Params({ id: Text, pid: Text });

/** An accepted case study put on the agenda: only its length is asked. */
export const ProposalForm = Form({ durationMinutes: Type.Optional(Text) });
