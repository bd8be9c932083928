/**
 * View models of the account pages: the people list (organisers and open invitations, times in the
 * viewer's zone, named) and the choices the forms offer.
 */
import { LANGUAGES, LANGUAGE_NAMES, t } from '../../core/i18n/index.js';
import { formatInZone } from '../../core/time/index.js';
import type { Hub } from '../sessions/index.js';
import type { Invitation } from './accounts-repository.js';
import type { Organiser, Role } from './repository.js';

export interface Option {
  value: string;
  label: string;
}

export function roleLabel(lang: string, role: Role, hub: Hub | undefined): string {
  return role === 'admin' ? t(lang, 'org.role.admin') : t(lang, 'org.role.hub', { hub: hub?.name ?? '' });
}

export const roleOptions = (lang: string): Option[] => [
  { value: 'hub', label: t(lang, 'people.role.hub') },
  { value: 'admin', label: t(lang, 'people.role.admin') },
];

export const hubOptions = (lang: string, hubs: Hub[]): Option[] => [{ value: '', label: t(lang, 'people.hubNone') }, ...hubs.map((h) => ({ value: String(h.id), label: h.name }))];

export const languageOptions = (): Option[] => LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code] }));

export interface PersonRow {
  id: number;
  name: string;
  email: string;
  role: Role;
  hubId: string;
  roleText: string;
  active: boolean;
  self: boolean;
}

export interface InvitationRow {
  id: number;
  name: string;
  email: string;
  roleText: string;
  expires: string;
  expired: boolean;
}

export function peopleRows(lang: string, viewer: Organiser, organisers: Organiser[], hubs: Hub[]): PersonRow[] {
  const byId = new Map(hubs.map((h) => [h.id, h]));
  return organisers.map((o) => ({
    id: o.id,
    name: o.name,
    email: o.email,
    role: o.role,
    hubId: o.hubId === null ? '' : String(o.hubId),
    roleText: roleLabel(lang, o.role, o.hubId === null ? undefined : byId.get(o.hubId)),
    active: !o.disabled,
    self: o.id === viewer.id,
  }));
}

export function invitationRows(lang: string, viewer: Organiser, invitations: Invitation[], hubs: Hub[], now: number): InvitationRow[] {
  const byId = new Map(hubs.map((h) => [h.id, h]));
  return invitations.map((i) => ({
    id: i.id,
    name: i.name,
    email: i.email,
    roleText: roleLabel(lang, i.role, i.hubId === null ? undefined : byId.get(i.hubId)),
    expires: formatInZone(i.expiresAt, viewer.zone, lang),
    expired: i.expiresAt <= now,
  }));
}
