/**
 * The request schemas of the organiser's mail pages (JSON Schema: a status filter, a page, an id).
 * Numbers are whole numbers written in digits (never "Infinity" or "1e9", which a number schema would
 * take), read with Number() by the routes.
 */
import { OUTBOX_STATUSES } from '../../core/outbox/types.js';

export const listQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['', ...OUTBOX_STATUSES] },
    session: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' },
    page: { type: 'string', pattern: '^[1-9][0-9]{0,4}$' },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,14}$' } },
} as const;
