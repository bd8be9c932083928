/**
 * Audit log entries as an organiser reads them: the action, the actor and the detail in the
 * reader's language (never a raw code), the time in the viewer's zone with the zone named.
 */
import type { AuditAction, AuditActorKind } from '../../core/audit/index.js';
import { t, tKey, type Language, type MessageKey } from '../../core/i18n/index.js';
import { formatInZone, toIsoUtc } from '../../core/time/index.js';
import type { AuditRow } from './repository.js';

/** The words of each action (a key per action in every catalogue). */
export function actionLabel(lang: Language, action: AuditAction): string {
  return tKey(lang, `audit.action.${action}`, 'audit.action.unknown');
}

const ACTOR_KEYS: Record<Exclude<AuditActorKind, 'organiser'>, MessageKey> = {
  token: 'audit.actor.token',
  cli: 'audit.actor.cli',
  system: 'audit.actor.system',
  anonymous: 'audit.actor.anonymous',
};

/** The actor filter's choices besides the organisers. */
export function otherActorLabel(lang: Language, kind: Exclude<AuditActorKind, 'organiser' | 'token'>): string {
  return t(lang, ACTOR_KEYS[kind]);
}

export function actorLabel(lang: Language, row: Pick<AuditRow, 'actorKind' | 'actorLabel'>): string {
  return row.actorKind === 'organiser' ? row.actorLabel : t(lang, ACTOR_KEYS[row.actorKind], { name: row.actorLabel });
}

/** A session's changed fields by the form's own labels (the derived instants are said by date and time). */
const FIELD_KEYS: Record<string, MessageKey> = {
  title: 'form.title',
  description: 'form.description',
  seriesId: 'form.series',
  status: 'form.status',
  startDate: 'form.date',
  startTime: 'form.time',
  zone: 'form.zone',
  durationMinutes: 'form.duration',
  approxMonth: 'form.approxMonth',
  approxPart: 'form.approxPart',
  joinUrl: 'form.joinUrl',
  roomKind: 'room.legend',
  capacity: 'form.capacity',
  language: 'form.language',
  doubleOptIn: 'form.doubleOptIn',
  reminderOffsets: 'form.reminders',
};

/** A hub's changed details by the hub form's own labels. */
const HUB_FIELD_KEYS: Record<string, MessageKey> = {
  name: 'hubs.name',
  fullName: 'hubs.fullName',
  coordinator: 'hubs.coordinator',
  contactEmail: 'hubs.contactEmail',
};

/** Changed fields named by their labels ('' when none is known). */
function fieldsText(lang: Language, fields: unknown, keys: Record<string, MessageKey>): string {
  const list = Array.isArray(fields) ? fields.filter((f): f is string => typeof f === 'string') : [];
  const labels = [...new Set(list.map((f) => keys[f]).filter((k): k is MessageKey => k !== undefined).map((k) => t(lang, k)))];
  return labels.length ? t(lang, 'audit.detail.fields', { fields: labels.join(', ') }) : '';
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const ids = (v: unknown): number[] => (Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** An organiser's role as the people page says it: administrator, or organiser of a hub. */
function roleText(lang: Language, role: unknown, hub: unknown, hubName: (id: number) => string): string {
  return role === 'admin' ? t(lang, 'org.role.admin') : t(lang, 'org.role.hub', { hub: typeof hub === 'number' ? hubName(hub) : '' });
}

/** What the entry says beyond its action, subject and session ('' when nothing). */
export function detailText(lang: Language, row: AuditRow, hubName: (id: number) => string, organiserName: (id: number) => string | undefined): string {
  const d = row.detail;
  switch (row.action) {
    case 'session.updated':
      return fieldsText(lang, d.fields, FIELD_KEYS);
    case 'session.hosts': {
      const none = t(lang, 'audit.detail.none');
      const list = (v: unknown) => ids(v).map(hubName).join(', ') || none;
      return t(lang, 'audit.detail.hosts', {
        before: hubName(num(d.hubBefore)),
        after: hubName(num(d.hubAfter)),
        coBefore: list(d.coHostsBefore),
        coAfter: list(d.coHostsAfter),
      });
    }
    case 'registration.added':
    case 'registration.promoted':
      return d.status ? tKey(lang, `regStatus.${text(d.status)}`, 'audit.detail.none') : '';
    case 'registration.cancelled':
      return d.before ? t(lang, 'audit.detail.wasStatus', { status: tKey(lang, `regStatus.${text(d.before)}`, 'audit.detail.none') }) : '';
    case 'attendance.recorded':
      if (d.how === 'import') return t(lang, 'audit.detail.imported', { rows: num(d.rows), matched: num(d.matched) });
      return t(lang, d.attended === false ? 'audit.detail.absent' : 'audit.detail.attended');
    case 'message.sent':
      return t(lang, 'audit.detail.recipients', { n: num(d.recipients) });
    case 'followup.sent':
      return `${tKey(lang, `fu.audience.${text(d.audience)}`, 'audit.detail.none')}: ${t(lang, 'audit.detail.recipients', { n: num(d.queued) })}`;
    case 'export.downloaded':
      return t(lang, 'audit.detail.exported', { rows: num(d.rows) });
    case 'organiser.created':
    case 'organiser.invited':
    case 'invitation.withdrawn': {
      const invitation = typeof d.invitation === 'number' ? t(lang, 'audit.detail.invitation', { id: d.invitation }) : '';
      const replaced = typeof d.replacedBy === 'number' ? t(lang, 'audit.detail.replacedBy', { id: d.replacedBy }) : '';
      return [roleText(lang, d.role, d.hub, hubName), invitation, replaced].filter(Boolean).join(' · ');
    }
    case 'organiser.changed':
      return t(lang, 'audit.detail.role', { before: roleText(lang, d.roleBefore, d.hubBefore, hubName), after: roleText(lang, d.roleAfter, d.hubAfter, hubName) });
    case 'password.resetRequested':
      if (d.sent === true) return t(lang, 'audit.detail.resetSent');
      return d.reason === 'deactivated' ? t(lang, 'audit.detail.resetDeactivated') : t(lang, 'audit.detail.resetLimited');
    case 'hub.changed':
      return fieldsText(lang, d.fields, HUB_FIELD_KEYS);
    case 'token.created':
    case 'token.revoked': {
      const owner = typeof d.organiser === 'number' ? organiserName(d.organiser) : undefined;
      const name = text(d.name);
      return [name && t(lang, 'audit.detail.tokenName', { name }), owner && t(lang, 'audit.detail.tokenOf', { name: owner })].filter(Boolean).join(' · ');
    }
    case 'login.failed':
      return d.reason === 'locked' ? t(lang, 'audit.detail.locked') : '';
    case 'demo.removed':
      return t(lang, 'audit.detail.demo', { n: ids(d.sessions).length });
    case 'agenda.changed':
      return tKey(lang, `audit.detail.agenda.${text(d.change)}`, 'audit.detail.none', { item: num(d.item) });
    case 'call.opened':
    case 'call.changed':
      return t(lang, 'call.audit.deadline', { deadline: `${text(d.deadline)} (${text(d.zone)})` });
    case 'call.invited':
      return t(lang, 'audit.detail.invitation', { id: num(d.invitation) });
    case 'proposal.submitted':
    case 'proposal.changed':
      return t(lang, 'call.audit.proposal', { id: num(d.proposal) });
    case 'proposal.decided':
      return `${t(lang, 'call.audit.proposal', { id: num(d.proposal) })}: ${tKey(lang, `call.status.${text(d.status)}`, 'audit.detail.none')}`;
    default:
      return '';
  }
}

/** What the entry is about, besides its session: a registration, an organiser, a token or a hub, by number (or name for an organiser and a hub). */
export function subjectText(lang: Language, row: AuditRow, organiserName: (id: number) => string | undefined, hubName: (id: number) => string): string {
  if (row.subjectId === null) return '';
  switch (row.subjectType) {
    case 'registration':
      return t(lang, 'audit.subject.registration', { id: row.subjectId });
    case 'organiser':
      return organiserName(row.subjectId) ?? t(lang, 'audit.subject.organiser', { id: row.subjectId });
    case 'token':
      return t(lang, 'audit.subject.token', { id: row.subjectId });
    case 'hub':
      return hubName(row.subjectId);
    default:
      return '';
  }
}

export interface AuditItem {
  id: number;
  when: string;
  iso: string;
  action: string;
  actor: string;
  sessionId: number | null;
  sessionTitle: string;
  /** The session's page; '' when it was removed since. */
  sessionLink: string;
  subject: string;
  detail: string;
}

export function presentRow(lang: Language, zone: string, row: AuditRow, hubName: (id: number) => string, organiserName: (id: number) => string | undefined): AuditItem {
  return {
    id: row.id,
    when: formatInZone(row.at, zone, lang, 'medium'),
    iso: toIsoUtc(row.at),
    action: actionLabel(lang, row.action),
    actor: actorLabel(lang, row),
    sessionId: row.sessionId,
    // A session removed since (the demo) is named by its number.
    sessionTitle: row.sessionId === null ? '' : (row.sessionTitle ?? t(lang, 'audit.subject.session', { id: row.sessionId })),
    sessionLink: row.sessionId !== null && row.sessionTitle !== null ? `/sessions/${row.sessionId}` : '',
    // A session is its own column; an organiser acting on their own account (a login) is not said twice.
    subject: row.subjectType === 'session' || (row.subjectType === 'organiser' && row.subjectId === row.actorId) ? '' : subjectText(lang, row, organiserName, hubName),
    detail: detailText(lang, row, hubName, organiserName),
  };
}
