/** View models of materials: the organiser's list and what a reader is shown. */
import { t } from '../../core/i18n/index.js';
import { formatInZone } from '../../core/time/index.js';
import { KINDS, VISIBILITIES, type Material } from './repository.js';

/** A material as a reader sees it: its kind in the reader's language, its title and link. */
export interface ShownMaterial {
  kind: string;
  kindLabel: string;
  title: string;
  url: string;
}

export function shown(list: Material[], lang: string): ShownMaterial[] {
  return list.map((m) => ({ kind: m.kind, kindLabel: t(lang, `mat.kind.${m.kind}`), title: m.title, url: m.url }));
}

/** The organiser's list: who sees each one and who changed it last, when (in the organiser's zone). */
export function organiserList(list: Material[], lang: string, zone: string) {
  return list.map((m, i) => ({
    ...m,
    kindLabel: t(lang, `mat.kind.${m.kind}`),
    visibilityLabel: t(lang, `mat.visibility.${m.visibility}`),
    changed:
      m.updatedByName === null
        ? t(lang, 'mat.changedAt', { when: formatInZone(m.updatedAt, zone, lang, 'medium') })
        : t(lang, 'mat.changedBy', { when: formatInZone(m.updatedAt, zone, lang, 'medium'), name: m.updatedByName }),
    first: i === 0,
    last: i === list.length - 1,
  }));
}

/** The choices of the material form, labelled in the page's language. */
export function formChoices(lang: string) {
  return {
    kinds: KINDS.map((k) => ({ value: k, label: t(lang, `mat.kind.${k}`) })),
    visibilities: VISIBILITIES.map((v) => ({ value: v, label: t(lang, `mat.visibility.${v}`) })),
  };
}
