import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/**
 * Pages kept for every visitor (see response-memo.ts) are rendered with this stand-in where the CSRF
 * token goes; each answer then gets the visitor's own token in its place. Random per process, letters
 * and digits only (HTML escaping leaves it as it is), and never shown to anyone.
 */
export const CSRF_PLACEHOLDER = `kairoscsrf${randomBytes(12).toString('hex')}`;

/** Requests whose page is rendered with the stand-in. */
export const rendersCsrfPlaceholder = new WeakSet<FastifyRequest>();
