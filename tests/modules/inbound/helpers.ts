/** Real sample messages (tests/fixtures/inbound) filled in for a test's registration, and a way to send them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { ADMIN, makeApp, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { withMail, type TestMail } from '../../helpers/mail.js';
import { must } from '../../helpers/must.js';

const DIR = path.join(import.meta.dirname, '../../fixtures/inbound');

/** A fixture with its {{PLACEHOLDERS}} filled in, CRLF line ends (as on the wire). */
export function sample(name: string, values: Record<string, string | number>): string {
  let text = readFileSync(path.join(DIR, name), 'utf8');
  for (const [k, v] of Object.entries(values)) text = text.split(`{{${k}}}`).join(String(v));
  const left = /\{\{[A-Z]+\}\}/.exec(text);
  if (left) throw new Error(`${name}: ${left[0]} not filled in`);
  return text.replace(/\r?\n/g, '\r\n');
}

/** Sends a raw message to the inbound listener with nodemailer, as a site's mail server would relay it. */
export async function sendToListener(port: number, from: string, to: string, raw: string): Promise<{ response: string }> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, logger: false });
  try {
    const info = await transport.sendMail({ envelope: { from, to: [to] }, raw });
    return { response: String(info.response) };
  } finally {
    transport.close();
  }
}

export interface InboundWorld {
  t: TestApp;
  mail: TestMail;
  http: HttpClient;
  /** The inbound SMTP listener's port. */
  port: number;
  /** An API token with the `inbound` scope. */
  inboundToken: string;
}

/** The app with a reply address and its inbound listener, a real SMTP sink, an HTTP client on a real port and an inbound-scoped token. */
export async function inboundWorld(): Promise<InboundWorld> {
  const t = await makeApp({ env: { REPLY_ADDRESS: 'rsvp@events.kairos.test', INBOUND_SMTP_PORT: '0' } });
  const mail = await withMail(t);
  const http = new HttpClient(await listen(t));
  const port = must(t.app.inboundListener, 'the inbound listener').port;
  const admin = must(t.services.repos.organisers.credentials(ADMIN.email), 'the admin').organiser;
  const inboundToken = t.services.auth.createToken(admin.id, 'mail provider', 'inbound').token;
  return { t, mail, http, port, inboundToken };
}
