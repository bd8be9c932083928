/** The request schemas of the organiser's mail pages (JSON Schema: a status filter, a page, an id). */
import { OUTBOX_STATUSES } from '../../core/outbox/types.js';

export const listQuery = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['', ...OUTBOX_STATUSES] },
    session: { type: 'integer', minimum: 1 },
    page: { type: 'integer', minimum: 1, maximum: 100_000 },
  },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;
