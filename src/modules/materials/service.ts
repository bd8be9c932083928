import type { Clock } from '../../core/clock.js';
import { checkHttpsLink } from '../../core/https-link.js';
import { moveOnePlace } from '../../core/ordering.js';
import { immediate, type DB } from '../../core/db/open.js';
import { AppError, FieldErrors, mustExist } from '../../core/errors.js';
import { singleLine, str } from '../../core/text.js';
import { KINDS, VISIBILITIES, type Material, type MaterialData, type MaterialKind, type MaterialRepository, type Visibility } from './repository.js';

/** The repositories this service uses (the app builds each once per database). */
type Repositories = { materials: MaterialRepository };

/** The part of a session this service looks at. */
type SessionRef = { id: number };

/** What a form or an API body gives for a material: text, checked here. */
export interface MaterialInput {
  kind?: unknown;
  title?: unknown;
  url?: unknown;
  visibility?: unknown;
}

export const TITLE_MAX = 200;
export const URL_MAX = 2000;

/** The part of a registration that decides what its holder sees. */
export interface Reader {
  status: string;
  attendedAt: number | null;
}

/** Registrations that still count as registered (a cancelled or expired one sees only what is public). */
const REGISTERED = new Set(['confirmed', 'pending', 'waitlisted']);

/**
 * Who sees what: everyone the public materials; a registrant also those for registered people; a
 * registrant whose attendance was recorded also those for attendees. No reader: the public ones.
 */
export function visibilitiesFor(reader: Reader | undefined): Visibility[] {
  if (!reader) return ['public'];
  if (reader.attendedAt !== null) return ['public', 'registrants', 'attendees'];
  return REGISTERED.has(reader.status) ? ['public', 'registrants'] : ['public'];
}

/**
 * An absolute https address, as the browser would read it, or the code of the reason it is refused
 * (`javascript:`, `data:`, plain http and anything that is not a whole https address).
 */
export function checkUrl(raw: string): { url: string } | { code: string; params?: Record<string, number> } {
  if (!raw.trim()) return { code: 'required' };
  return checkHttpsLink(raw, URL_MAX, { invalid: 'material_url', http: 'material_url_http' });
}

/**
 * Materials of a session (slides, recording, report, other links), each shown to the public, to
 * registered people or to attendees, in the order the organisers give them. Who may change them is
 * the routes' question to the access policy; this service checks the input and keeps the order.
 */
export class MaterialService {
  constructor(
    private readonly db: DB,
    private readonly repos: Repositories,
    private readonly clock: Clock,
  ) {}

  /** Every material of a session (the organiser's list). */
  list(sessionId: number): Material[] {
    return this.repos.materials.list(sessionId);
  }

  /** The public materials: the same for every visitor. */
  publicOf(sessionId: number): Material[] {
    return this.repos.materials.visible(sessionId, ['public']);
  }

  /** What the holder of a registration sees (see visibilitiesFor). */
  visibleTo(sessionId: number, reader: Reader | undefined): Material[] {
    return this.repos.materials.visible(sessionId, visibilitiesFor(reader));
  }

  get(session: SessionRef, id: number): Material {
    return mustExist(this.repos.materials.get(session.id, id), 'material');
  }

  /** Checks a material's fields; every refused field is named at once. */
  validate(input: MaterialInput): MaterialData {
    const errs = new FieldErrors();
    const kind = str(input.kind);
    if (!(KINDS as readonly string[]).includes(kind)) errs.add('kind', 'material_kind', 'choose slides, recording, report or other');
    const title = singleLine(str(input.title));
    if (!title) errs.add('title', 'required', 'a title is required');
    else if (title.length > TITLE_MAX) errs.add('title', 'too_long', `at most ${TITLE_MAX} characters`, { max: TITLE_MAX });
    const checked = checkUrl(str(input.url));
    if ('code' in checked) errs.add('url', checked.code, 'an absolute https:// address is required', checked.params ?? {});
    const visibility = str(input.visibility);
    if (!(VISIBILITIES as readonly string[]).includes(visibility)) errs.add('visibility', 'material_visibility', 'choose public, registrants or attendees');
    errs.throwIfAny();
    return { kind: kind as MaterialKind, title, url: 'url' in checked ? checked.url : '', visibility: visibility as Visibility };
  }

  add(session: SessionRef, input: MaterialInput, actorId: number): Material {
    const data = this.validate(input);
    return immediate(this.db, () => {
      const id = this.repos.materials.insert(session.id, data, actorId, this.clock.now());
      return this.get(session, id);
    });
  }

  update(session: SessionRef, id: number, input: MaterialInput, actorId: number): Material {
    this.get(session, id);
    const data = this.validate(input);
    return immediate(this.db, () => {
      if (!this.repos.materials.update(session.id, id, data, actorId, this.clock.now())) throw new AppError('not_found', 'material not found', 404);
      return this.get(session, id);
    });
  }

  remove(session: SessionRef, id: number): void {
    if (!this.repos.materials.remove(session.id, id)) throw new AppError('not_found', 'material not found', 404);
  }

  /** Moves a material one place up or down its session's list (at either end it stays). */
  move(session: SessionRef, id: number, direction: 'up' | 'down'): void {
    immediate(this.db, () => {
      const changes = moveOnePlace(this.repos.materials.list(session.id), id, direction);
      if (changes === undefined) throw new AppError('not_found', 'material not found', 404);
      // Only the rows whose position changes are written.
      for (const c of changes) this.repos.materials.setPosition(c.id, c.position);
    });
  }
}
