import type { DB } from '../../core/db/open.js';
import { perDatabase } from '../../core/db/per-db.js';
import { mustExist } from '../../core/errors.js';

export interface Hub {
  id: number;
  slug: string;
  name: string;
  fullName: string | null;
  country: string;
  countryCode: string;
  zone: string;
  language: string;
  contactEmail: string;
  coordinator: string | null;
}

interface HubRow {
  id: number;
  slug: string;
  name: string;
  full_name: string | null;
  country: string;
  country_code: string;
  zone: string;
  language: string;
  contact_email: string;
  coordinator: string | null;
}

const toHub = (r: HubRow): Hub => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  fullName: r.full_name,
  country: r.country,
  countryCode: r.country_code,
  zone: r.zone,
  language: r.language,
  contactEmail: r.contact_email,
  coordinator: r.coordinator,
});

export class HubRepository {
  private readonly all;
  private readonly byId;
  private readonly bySlug;
  private readonly upsert;
  private readonly setDetails;

  constructor(db: DB) {
    this.all = db.prepare<[], HubRow>('SELECT * FROM hubs ORDER BY country, name');
    this.byId = db.prepare<[number], HubRow>('SELECT * FROM hubs WHERE id = ?');
    this.bySlug = db.prepare<[string], HubRow>('SELECT * FROM hubs WHERE slug = ?');
    this.upsert = db.prepare(
      `INSERT INTO hubs (slug, name, full_name, country, country_code, zone, language, contact_email, coordinator, created_at)
       VALUES (@slug, @name, @fullName, @country, @countryCode, @zone, @language, @contactEmail, @coordinator, @createdAt)
       ON CONFLICT(slug) DO UPDATE SET name = excluded.name, full_name = excluded.full_name, country = excluded.country,
         country_code = excluded.country_code, zone = excluded.zone, language = excluded.language,
         contact_email = excluded.contact_email, coordinator = excluded.coordinator`,
    );
    this.setDetails = db.prepare('UPDATE hubs SET name = @name, full_name = @fullName, coordinator = @coordinator, contact_email = @contactEmail WHERE id = @id');
  }

  list(): Hub[] {
    return this.all.all().map(toHub);
  }
  get(id: number): Hub | undefined {
    const r = this.byId.get(id);
    return r && toHub(r);
  }
  getBySlug(slug: string): Hub | undefined {
    const r = this.bySlug.get(slug);
    return r && toHub(r);
  }
  /** Changes what a hub's organisers may edit: its names, coordinator and contact mailbox. */
  updateDetails(id: number, d: Pick<Hub, 'name' | 'fullName' | 'coordinator' | 'contactEmail'>): void {
    this.setDetails.run({ id, ...d });
  }
  /** Inserts or updates by slug (used by the seed). */
  save(h: Omit<Hub, 'id'>, createdAt: number): Hub {
    this.upsert.run({ ...h, createdAt });
    return mustExist(this.getBySlug(h.slug), 'hub');
  }
}

/** The HubRepository of a database, built once per connection. */
export const hubRepository = perDatabase((db) => new HubRepository(db));
