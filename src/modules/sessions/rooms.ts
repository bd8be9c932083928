/**
 * Meeting rooms: a pasted meeting address (checked strictly) or a Jitsi Meet room that Kairos
 * names on the configured server. Pure functions; the service decides when each applies.
 */
import { randomBytes } from 'node:crypto';
import { slugify } from '../../core/text.js';
import { t, type MessageKey } from '../../core/i18n/index.js';
import type { RoomKind, Session } from './repository.js';

export const ROOM_KINDS: readonly RoomKind[] = ['url', 'jitsi'];

/** The longest meeting address accepted. */
export const MAX_ROOM_URL = 2000;

/**
 * Why a pasted meeting address is refused, or undefined when it is acceptable: an absolute https
 * address with a host, no user name or password, at most 2,000 characters (no http:, javascript:…).
 */
export function pastedUrlRefusal(value: string): 'url_invalid' | 'url_credentials' | 'url_too_long' | undefined {
  if (value.length > MAX_ROOM_URL) return 'url_too_long';
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'url_invalid';
  }
  if (u.protocol !== 'https:' || !u.hostname || !/^https:\/\//i.test(value)) return 'url_invalid';
  if (u.username || u.password) return 'url_credentials';
  return undefined;
}

/**
 * A new Jitsi room name: a readable slug of the title (at most 40 characters) and 128 random bits
 * in lower-case hex (Jitsi servers compare room names in lower case).
 */
export function newJitsiRoom(title: string): string {
  const slug = slugify(title).slice(0, 40).replace(/-+$/g, '') || 'room';
  return `${slug}-${randomBytes(16).toString('hex')}`;
}

/** The room's address on a Jitsi server. */
export function jitsiRoomUrl(baseUrl: string, room: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/${room}`;
}

export type RoomProvider = 'zoom' | 'teams' | 'webex' | 'meet' | 'jitsi';

/** The meeting service a room address belongs to, when it is one Kairos knows (for organisers' pages). */
export function roomProvider(url: string | null, jitsiBaseUrl: string | undefined): RoomProvider | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const under = (domain: string) => host === domain || host.endsWith(`.${domain}`);
  if (jitsiBaseUrl && host === new URL(jitsiBaseUrl).hostname.toLowerCase()) return 'jitsi';
  if (under('zoom.us')) return 'zoom';
  if (host === 'teams.microsoft.com' || host === 'teams.live.com') return 'teams';
  if (under('webex.com')) return 'webex';
  if (host === 'meet.google.com') return 'meet';
  if (host === 'meet.jit.si') return 'jitsi';
  return undefined;
}

const PROVIDER_KEYS: Record<RoomProvider | 'other', MessageKey> = {
  zoom: 'room.provider.zoom',
  teams: 'room.provider.teams',
  webex: 'room.provider.webex',
  meet: 'room.provider.meet',
  jitsi: 'room.provider.jitsi',
  other: 'room.provider.other',
};

/** "Zoom room", "Jitsi Meet room"…: what kind of room a session has, for its organisers (never the address); undefined without one. */
export function roomLabel(session: Pick<Session, 'roomKind' | 'joinUrl'>, jitsiBaseUrl: string | undefined, lang: string): string | undefined {
  if (!session.joinUrl) return undefined;
  const provider = session.roomKind === 'jitsi' ? 'jitsi' : roomProvider(session.joinUrl, jitsiBaseUrl);
  return t(lang, PROVIDER_KEYS[provider ?? 'other']);
}
