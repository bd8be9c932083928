import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';

export type MaterialKind = 'slides' | 'recording' | 'report' | 'other';
export type Visibility = 'public' | 'registrants' | 'attendees';

export const KINDS: readonly MaterialKind[] = ['slides', 'recording', 'report', 'other'];
export const VISIBILITIES: readonly Visibility[] = ['public', 'registrants', 'attendees'];

export interface Material {
  id: number;
  sessionId: number;
  kind: MaterialKind;
  title: string;
  url: string;
  visibility: Visibility;
  position: number;
  createdBy: number | null;
  createdAt: number;
  updatedBy: number | null;
  /** The name of the organiser who changed it last (null once that organiser is gone). */
  updatedByName: string | null;
  updatedAt: number;
}

/** What an organiser sets on a material. */
export interface MaterialData {
  kind: MaterialKind;
  title: string;
  url: string;
  visibility: Visibility;
}

interface Row {
  id: number;
  session_id: number;
  kind: MaterialKind;
  title: string;
  url: string;
  visibility: Visibility;
  position: number;
  created_by: number | null;
  created_at: number;
  updated_by: number | null;
  updated_by_name: string | null;
  updated_at: number;
}

const toMaterial = (r: Row): Material => ({
  id: r.id,
  sessionId: r.session_id,
  kind: r.kind,
  title: r.title,
  url: r.url,
  visibility: r.visibility,
  position: r.position,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedBy: r.updated_by,
  updatedByName: r.updated_by_name,
  updatedAt: r.updated_at,
});

const COLUMNS = 'm.*, o.name AS updated_by_name';

/** Every statement of this repository, prepared once per database. */
function prepareStatements(db: DB) {
  return {
    list: db.prepare(`SELECT ${COLUMNS} FROM session_materials m LEFT JOIN organisers o ON o.id = m.updated_by WHERE m.session_id = ? ORDER BY m.position, m.id`),
    // The visibilities a reader may see come as a JSON array: one statement for every combination.
    visible: db.prepare(
      `SELECT ${COLUMNS} FROM session_materials m LEFT JOIN organisers o ON o.id = m.updated_by
       WHERE m.session_id = ? AND m.visibility IN (SELECT value FROM json_each(?)) ORDER BY m.position, m.id`,
    ),
    get: db.prepare(`SELECT ${COLUMNS} FROM session_materials m LEFT JOIN organisers o ON o.id = m.updated_by WHERE m.session_id = ? AND m.id = ?`),
    nextPosition: db.prepare<[number], number>('SELECT coalesce(max(position), 0) + 1 FROM session_materials WHERE session_id = ?').pluck(),
    insert: db.prepare(
      `INSERT INTO session_materials (session_id, kind, title, url, visibility, position, created_by, created_at, updated_by, updated_at)
       VALUES (@sessionId, @kind, @title, @url, @visibility, @position, @actor, @now, @actor, @now)`,
    ),
    update: db.prepare(
      `UPDATE session_materials SET kind = @kind, title = @title, url = @url, visibility = @visibility, updated_by = @actor, updated_at = @now
       WHERE session_id = @sessionId AND id = @id`,
    ),
    setPosition: db.prepare('UPDATE session_materials SET position = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM session_materials WHERE session_id = ? AND id = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

export class MaterialRepository {
  private readonly s: Statements;
  constructor(db: DB) {
    this.s = prepareStatements(db);
  }
  /** A session's materials in their order. */
  list(sessionId: number): Material[] {
    return (this.s.list.all(sessionId) as Row[]).map(toMaterial);
  }
  /** A session's materials of these visibilities, in their order. */
  visible(sessionId: number, visibilities: readonly Visibility[]): Material[] {
    return (this.s.visible.all(sessionId, JSON.stringify(visibilities)) as Row[]).map(toMaterial);
  }
  get(sessionId: number, id: number): Material | undefined {
    const r = this.s.get.get(sessionId, id) as Row | undefined;
    return r && toMaterial(r);
  }
  /** Adds a material at the end of the session's list; returns its id. */
  insert(sessionId: number, data: MaterialData, actor: number, now: number): number {
    const position = this.s.nextPosition.get(sessionId) ?? 1;
    return Number(this.s.insert.run({ sessionId, ...data, position, actor, now }).lastInsertRowid);
  }
  update(sessionId: number, id: number, data: MaterialData, actor: number, now: number): boolean {
    return this.s.update.run({ sessionId, id, ...data, actor, now }).changes > 0;
  }
  setPosition(id: number, position: number): void {
    this.s.setPosition.run(position, id);
  }
  remove(sessionId: number, id: number): boolean {
    return this.s.remove.run(sessionId, id).changes > 0;
  }
}

/** The MaterialRepository of a database, built once per connection. */
export const materialRepository = perDatabase((db) => new MaterialRepository(db));
