/**
 * The `<option>`s of the zone lists (about 430 IANA names) that several forms offer as a
 * `<datalist>`: the same for every page, so made once as HTML instead of on every render (a quarter
 * of a session page's render time).
 */
import { allZones } from '../time/index.js';
import { escapeHtml } from './error-summary.js';

let html: string | undefined;

export function zoneOptionsHtml(): string {
  html ??= allZones()
    .map((z) => `<option value="${escapeHtml(z)}">`)
    .join('');
  return html;
}
