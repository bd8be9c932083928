import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

export interface Series {
  id: number;
  slug: string;
  title: string;
  description: string;
}

export class SeriesRepository {
  private readonly all;
  private readonly byId;
  private readonly bySlug;
  private readonly insert;
  private readonly hubAllowed;
  private readonly allow;

  constructor(db: DB) {
    this.all = db.prepare<[], Series>('SELECT id, slug, title, description FROM series ORDER BY title');
    this.byId = db.prepare<[number], Series>('SELECT id, slug, title, description FROM series WHERE id = ?');
    this.bySlug = db.prepare<[string], Series>('SELECT id, slug, title, description FROM series WHERE slug = ?');
    this.insert = db.prepare(
      `INSERT INTO series (slug, title, description, created_at) VALUES (@slug, @title, @description, @createdAt)
       ON CONFLICT(slug) DO UPDATE SET title = excluded.title, description = excluded.description`,
    );
    this.hubAllowed = db.prepare<[number, number], { ok: number }>('SELECT 1 AS ok FROM series_hubs WHERE series_id = ? AND hub_id = ?');
    this.allow = db.prepare('INSERT OR IGNORE INTO series_hubs (series_id, hub_id) VALUES (?, ?)');
  }

  /** Whether a hub may put sessions in this series (it owns one there, or an administrator allowed it). */
  allowsHub(seriesId: number, hubId: number): boolean {
    return this.hubAllowed.get(seriesId, hubId) !== undefined;
  }
  /** Lets a hub put sessions in a series (an administrator's decision, or the hub created the series). */
  allowHub(seriesId: number, hubId: number): void {
    this.allow.run(seriesId, hubId);
  }

  list(): Series[] {
    return this.all.all();
  }
  get(id: number): Series | undefined {
    return this.byId.get(id);
  }
  getBySlug(slug: string): Series | undefined {
    return this.bySlug.get(slug);
  }
  save(s: Omit<Series, 'id'>, createdAt: number): Series {
    this.insert.run({ ...s, createdAt });
    return mustExist(this.getBySlug(s.slug), 'series');
  }
}

/** The SeriesRepository of a database, built once per connection. */
export const seriesRepository = perDatabase((db) => new SeriesRepository(db));
