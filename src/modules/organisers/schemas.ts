/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Text } from '../../core/render/boundary.js';

export const LoginForm = Form({ email: Type.Optional(Text), password: Type.Optional(Text), next: Type.Optional(Text) });

export const TokenForm = Form({ name: Type.Optional(Text) });
