/**
 * The error summary at the top of a page whose form came back with errors, so that no error waits
 * unseen below the fold. Every error a form shows beside its field (`<p class="error"
 * id="FIELD-error">…</p>`, views/partials/field.eta) is listed in page order as a link to that
 * field; an error the page holds for no visible field (a full session, a cancelled one) is listed
 * as text, so it is never lost.
 */
export interface SummaryItem {
  /** The id of the field the error belongs to (the link target), when the page shows that field. */
  field?: string;
  /** The message, HTML-escaped. */
  html: string;
}

const FIELD_ERROR = /<p class="error" id="([A-Za-z0-9_-]+)-error">([^<]*)<\/p>/g;
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Error messages a page was given: under `errors` or `…Errors`, at the top or one level down, possibly grouped per form. */
function givenMessages(data: Record<string, unknown>): string[] {
  const out: string[] = [];
  const collect = (v: unknown, depth: number) => {
    if (!isRecord(v)) return;
    for (const inner of Object.values(v)) {
      if (typeof inner === 'string' && inner) out.push(inner);
      else if (depth < 1) collect(inner, depth + 1);
    }
  };
  const visit = (obj: Record<string, unknown>, depth: number) => {
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'errors' || k.endsWith('Errors')) collect(v, 0);
      else if (depth < 1 && isRecord(v)) visit(v, depth + 1);
    }
  };
  visit(data, 0);
  return out;
}

export function errorSummaryOf(body: string, data: Record<string, unknown> = {}): SummaryItem[] {
  const items: SummaryItem[] = [];
  for (const m of body.matchAll(FIELD_ERROR)) {
    const [, id, html] = m;
    if (!id || !html) continue;
    // The field's own element, or the message itself when the page has no element of that id.
    items.push({ field: body.includes(`id="${id}"`) ? id : `${id}-error`, html });
  }
  const shown = new Set(items.map((i) => i.html));
  for (const message of givenMessages(data)) {
    const html = escapeHtml(message);
    if (!shown.has(html)) {
      shown.add(html);
      items.push({ html });
    }
  }
  return items;
}
