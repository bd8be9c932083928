import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

export type AgendaKind = 'welcome' | 'case_study' | 'talk' | 'discussion' | 'break' | 'other';

export const KINDS: readonly AgendaKind[] = ['welcome', 'case_study', 'talk', 'discussion', 'break', 'other'];

/** Someone who speaks in an item: a name and, when given, where they come from. */
export interface Speaker {
  name: string;
  affiliation: string;
}

export interface AgendaItem {
  id: number;
  sessionId: number;
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  speakers: Speaker[];
  /** The call-for-proposals entry this item was made from (a case study), if any. */
  proposalId: number | null;
  position: number;
  createdBy: number | null;
  createdAt: number;
  updatedBy: number | null;
  updatedAt: number;
}

/** What an organiser (or a call for proposals) sets on an item. */
export interface AgendaItemData {
  kind: AgendaKind;
  title: string;
  durationMinutes: number;
  speakers: Speaker[];
  proposalId: number | null;
}

interface Row {
  id: number;
  session_id: number;
  kind: AgendaKind;
  title: string;
  duration_minutes: number;
  speakers: string;
  proposal_id: number | null;
  position: number;
  created_by: number | null;
  created_at: number;
  updated_by: number | null;
  updated_at: number;
}

function speakersOf(json: string): Speaker[] {
  const list = JSON.parse(json) as unknown;
  if (!Array.isArray(list)) return [];
  return list.flatMap((s: unknown) => {
    if (typeof s !== 'object' || s === null) return [];
    const { name, affiliation } = s as Record<string, unknown>;
    return typeof name === 'string' ? [{ name, affiliation: typeof affiliation === 'string' ? affiliation : '' }] : [];
  });
}

const toItem = (r: Row): AgendaItem => ({
  id: r.id,
  sessionId: r.session_id,
  kind: r.kind,
  title: r.title,
  durationMinutes: r.duration_minutes,
  speakers: speakersOf(r.speakers),
  proposalId: r.proposal_id,
  position: r.position,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

/** Every statement of this repository, prepared once per database. */
function prepareStatements(db: DB) {
  return {
    list: db.prepare('SELECT * FROM session_agenda_items WHERE session_id = ? ORDER BY position, id'),
    get: db.prepare('SELECT * FROM session_agenda_items WHERE session_id = ? AND id = ?'),
    total: db.prepare<[number], number>('SELECT coalesce(sum(duration_minutes), 0) FROM session_agenda_items WHERE session_id = ?').pluck(),
    nextPosition: db.prepare<[number], number>('SELECT coalesce(max(position), 0) + 1 FROM session_agenda_items WHERE session_id = ?').pluck(),
    insert: db.prepare(
      `INSERT INTO session_agenda_items (session_id, kind, title, duration_minutes, speakers, proposal_id, position, created_by, created_at, updated_by, updated_at)
       VALUES (@sessionId, @kind, @title, @durationMinutes, @speakers, @proposalId, @position, @actor, @now, @actor, @now)`,
    ),
    update: db.prepare(
      `UPDATE session_agenda_items SET kind = @kind, title = @title, duration_minutes = @durationMinutes, speakers = @speakers, proposal_id = @proposalId,
         updated_by = @actor, updated_at = @now
       WHERE session_id = @sessionId AND id = @id`,
    ),
    setPosition: db.prepare('UPDATE session_agenda_items SET position = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM session_agenda_items WHERE session_id = ? AND id = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

const bind = (data: AgendaItemData) => ({ ...data, speakers: JSON.stringify(data.speakers.map((s) => ({ name: s.name, affiliation: s.affiliation }))) });

export class AgendaRepository {
  private readonly s: Statements;
  constructor(db: DB) {
    this.s = prepareStatements(db);
  }
  /** A session's agenda in its order. */
  list(sessionId: number): AgendaItem[] {
    return (this.s.list.all(sessionId) as Row[]).map(toItem);
  }
  get(sessionId: number, id: number): AgendaItem | undefined {
    const r = this.s.get.get(sessionId, id) as Row | undefined;
    return r && toItem(r);
  }
  /** The minutes of a session's whole agenda. */
  totalMinutes(sessionId: number): number {
    return this.s.total.get(sessionId) ?? 0;
  }
  /** Adds an item at the end of the session's agenda; returns its id. */
  insert(sessionId: number, data: AgendaItemData, actor: number | null, now: number): number {
    const position = this.s.nextPosition.get(sessionId) ?? 1;
    return Number(this.s.insert.run({ sessionId, ...bind(data), position, actor, now }).lastInsertRowid);
  }
  update(sessionId: number, id: number, data: AgendaItemData, actor: number | null, now: number): boolean {
    return this.s.update.run({ sessionId, id, ...bind(data), actor, now }).changes > 0;
  }
  setPosition(id: number, position: number): void {
    this.s.setPosition.run(position, id);
  }
  remove(sessionId: number, id: number): boolean {
    return this.s.remove.run(sessionId, id).changes > 0;
  }
}

/** The AgendaRepository of a database, built once per connection. */
export const agendaRepository = perDatabase((db) => new AgendaRepository(db));
