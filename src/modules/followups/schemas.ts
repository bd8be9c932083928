/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Params, Text } from '../../core/render/boundary.js';

export const FollowupParams = Params({ id: Text, audience: Type.Optional(Text) });

export const FollowupForm = Form({ subject: Type.Optional(Text), body: Type.Optional(Text), inviteNext: Type.Optional(Text) });
