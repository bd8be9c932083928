/**
 * The TypeBox schemas of this module's requests: form bodies and path parameters.
 * Pages take web forms (every field text, see core/render/boundary.ts).
 */
import Type from 'typebox';
import { Form, Params, Text } from '../../core/render/boundary.js';

export const MaterialParams = Params({ id: Text, mid: Type.Optional(Text) });

export const MaterialForm = Form({ kind: Type.Optional(Text), title: Type.Optional(Text), url: Type.Optional(Text), visibility: Type.Optional(Text) });

export const MoveForm = Form({ direction: Type.Optional(Text) });
