/** Real sample messages (tests/fixtures/inbound) filled in for a test's registration, and a way to send them. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';

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
