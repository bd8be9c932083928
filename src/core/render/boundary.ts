/**
 * The request boundary: what each route accepts as a body, and the schemas every form is checked by.
 *
 * Pages (everything outside /api/) take web forms only: application/x-www-form-urlencoded, or
 * multipart/form-data where a route says so in its config (`bodyTypes`). The JSON API takes JSON only.
 * Anything else is refused with 415 before the body is read, so no parser and no template ever sees it.
 *
 * Form schemas expect text: each field a string, or a list of strings where a field may repeat
 * (checkboxes, choices). An object or a list where one value is expected is a 400 naming the field.
 */
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import Type, { type TProperties } from 'typebox';
import { AppError } from '../errors.js';
import { t } from '../i18n/index.js';

export const FORM_URLENCODED = 'application/x-www-form-urlencoded';
export const MULTIPART = 'multipart/form-data';
export const JSON_TYPE = 'application/json';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Media types this route's body may have; default: a web form for pages, JSON under /api/. */
    bodyTypes?: readonly string[];
  }
}

/** The media type of a Content-Type header, lower-cased, without parameters ('' when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').replace(/;.*$/s, '').trim().toLowerCase();
}

/** Whether the request carries a body (or says what its body is). */
function hasBody(req: FastifyRequest): boolean {
  const h = req.headers;
  if (h['content-type'] !== undefined) return true;
  if (h['transfer-encoding'] !== undefined) return true;
  const len = h['content-length'];
  return len !== undefined && len !== '0';
}

export const isApiUrl = (url: string | undefined): boolean => url !== undefined && url.startsWith('/api/');

/** One hook for the whole app: each route's body must be of a type it accepts, else 415. */
export function enforceBodyTypes(app: FastifyInstance): void {
  app.addHook('onRequest', (req, _reply, done) => {
    const route = req.routeOptions.url;
    // No such route: the not-found handler answers. No body: nothing to read; CSRF and the handler decide.
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || route === undefined || !hasBody(req)) return done();
    const accepted = req.routeOptions.config.bodyTypes ?? (isApiUrl(route) ? [JSON_TYPE] : [FORM_URLENCODED]);
    const type = mediaTypeOf(req.headers['content-type']);
    if (accepted.includes(type)) return done();
    const message = isApiUrl(route) ? 'send the body as application/json' : `send the body as ${accepted.join(' or ')}`;
    done(new AppError('content_type', message, 415, 'content-type', { type: type || '—' }));
  });
}

// ---------------------------------------------------------------- form schemas

/** One text value. */
export const Text = Type.String();
/** A field that may repeat (checkboxes, several choices): one text value or a list of them. */
export const TextOrList = Type.Union([Type.String(), Type.Array(Type.String())]);

/** A form body: the named fields checked as text, other fields (the CSRF token, answers q<ID>) allowed. */
export function Form<P extends TProperties>(fields: P) {
  return Type.Object(fields, { additionalProperties: true });
}

/** A button's form: nothing but the CSRF token (or, sent by a script, no body at all). */
export const ActionForm = Type.Union([Form({}), Type.Null()]);

/** Path parameters: each a string (the handler parses ids and finds nothing for a bad one). */
export function Params<P extends TProperties>(fields: P) {
  return Type.Object(fields, { additionalProperties: true });
}

/** A query string: the named parameters are text; the page language (lang) and notice (msg) too. */
export function Query<P extends TProperties>(fields: P) {
  return Type.Object({ lang: Type.Optional(Text), msg: Type.Optional(Text), ...fields }, { additionalProperties: true });
}

export const IdParams = Params({ id: Text });

/** The fields named in a schema validation error (body.name, query.from, …), once each. */
export function invalidFields(err: FastifyError): string[] {
  const out: string[] = [];
  for (const v of err.validation ?? []) {
    const p = v.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    const named = p?.additionalProperty ?? p?.missingProperty;
    const base = (v.instancePath || '').replace(/^\//, '').split('/')[0] ?? '';
    const field = base || named || err.validationContext || 'body';
    if (!out.includes(field)) out.push(field);
  }
  return out;
}

/** Messages beside the fields a form's schema refused: each was not sent as text. */
export function notTextErrors(lang: string, err: Error): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of invalidFields(err as FastifyError)) out[f] = t(lang, 'err.not_text');
  return out;
}

/** A form body cut down to its text values, for showing a refused form again (`lists`: fields that may repeat). */
export function textValues(body: unknown, lists: readonly string[] = []): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (lists.includes(k) && Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}
