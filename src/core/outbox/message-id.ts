import { createHash } from 'node:crypto';
import type { OutboxRow } from './types.js';

/** Deterministic Message-ID of a row: the same row always gets the same one. */
export function messageIdFor(row: Pick<OutboxRow, 'id' | 'dedupe_key' | 'created_at'>, host: string): string {
  const hash = createHash('sha256').update(`${row.id}\n${row.dedupe_key}\n${row.created_at}`).digest('hex').slice(0, 20);
  const h = host.replace(/[^A-Za-z0-9.-]/g, '').replace(/^\.+|\.+$/g, '') || 'localhost';
  return `<outbox-${row.id}.${hash}@${h}>`;
}
