/**
 * The TypeBox schemas of this module's requests: form and API bodies, path parameters, queries.
 * Pages take web forms (every field text, see core/render/boundary.ts); the API takes JSON.
 */
import Type from 'typebox';
import { Form, Params, Query, Text } from '../../core/render/boundary.js';

export const LoginForm = Form({ email: Type.Optional(Text), password: Type.Optional(Text), next: Type.Optional(Text) });

export const TokenForm = Form({ name: Type.Optional(Text) });

export const InviteForm = Form({ name: Type.Optional(Text), email: Type.Optional(Text), role: Type.Optional(Text), hubId: Type.Optional(Text), language: Type.Optional(Text) });

export const RoleForm = Form({ role: Type.Optional(Text), hubId: Type.Optional(Text) });

export const NewPasswordForm = Form({ password: Type.Optional(Text), confirm: Type.Optional(Text) });

export const PasswordChangeForm = Form({ current: Type.Optional(Text), password: Type.Optional(Text), confirm: Type.Optional(Text) });

export const ProfileForm = Form({ name: Type.Optional(Text), language: Type.Optional(Text), zone: Type.Optional(Text) });

export const ForgotForm = Form({ email: Type.Optional(Text) });

export const HubForm = Form({ name: Type.Optional(Text), fullName: Type.Optional(Text), coordinator: Type.Optional(Text), contactEmail: Type.Optional(Text) });

export const TokenParams = Params({ token: Text });

export const SlugParams = Params({ slug: Text });

/** `?page=N` of a paged list: a whole number from 1 to 9999 (anything else is refused, naming `page`). */
export const PageQuery = Query({ page: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })) });
