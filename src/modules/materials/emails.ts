/**
 * The materials block of an email about one registration (the follow-ups): the links its recipient
 * may see, read at send time, in the recipient's language.
 */
import type { DB } from '../../core/db/open.js';
import { t } from '../../core/i18n/index.js';
import type { EmailBlock } from '../../core/outbox/layout.js';
import { shown } from './present.js';
import { materialRepository } from './repository.js';
import { visibilitiesFor, type Reader } from './service.js';

/** A heading and one link per material the reader may see; nothing when there is none. */
export function materialBlocks(db: DB, sessionId: number, reader: Reader, lang: string): EmailBlock[] {
  const list = shown(materialRepository(db).visible(sessionId, visibilitiesFor(reader)), lang);
  if (!list.length) return [];
  return [{ type: 'heading', text: t(lang, 'mat.email.heading') }, ...list.map((m): EmailBlock => ({ type: 'button', href: m.url, label: `${m.kindLabel}: ${m.title}` }))];
}
