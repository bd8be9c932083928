/**
 * Passwords through HTTP and a real SMTP sink: an organiser changes theirs (the current one
 * checked, the other login sessions ended, this one kept); a forgotten password is reset from a
 * single-use link valid 1 hour, asked for on a form that answers the same for every address and is
 * limited per client address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { redactUrl } from '../../../src/app.js';
import { ADMIN, Browser, GR_ORGANISER, RO_ORGANISER, makeApp, text, type TestApp } from '../../helpers/app.js';
import { HttpClient, listen } from '../../helpers/http.js';
import { withMail, type TestMail } from '../../helpers/mail.js';

let t: TestApp | undefined;
let mail: TestMail | undefined;
afterEach(async () => {
  await mail?.close();
  await t?.close();
  mail = undefined;
  t = undefined;
});

/** The path of the reset link in a message's text part. */
function resetLink(body: string | undefined): string {
  const m = /http:\/\/kairos\.test(\/password\/reset\/[A-Za-z0-9_-]+)/.exec(body ?? '');
  if (!m?.[1]) throw new Error('no reset link in the message');
  return m[1];
}

async function forgot(b: Browser, email: string) {
  await b.get('/password/forgot');
  return b.post('/password/forgot', { email });
}

describe('changing one’s password', () => {
  it('refuses a wrong current password beside its field; a right one changes it, ends the other sessions and keeps this one', async () => {
    t = await makeApp();
    const here = new Browser(t.app, { 'accept-language': 'en' });
    const elsewhere = new Browser(t.app, { 'accept-language': 'en' });
    await here.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await elsewhere.login(GR_ORGANISER.email, GR_ORGANISER.password);
    // Another organiser's session is not touched.
    const ana = new Browser(t.app);
    await ana.login(RO_ORGANISER.email, RO_ORGANISER.password);

    const page = await here.get('/organiser/account');
    expect(page.statusCode).toBe(200);
    expect(text(page.body)).toContain(GR_ORGANISER.email);

    const wrong = await here.post('/organiser/account/password', { current: 'not-my-password', password: 'eleni-new-password', confirm: 'eleni-new-password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('<p class="error" id="f-current-error">The current password is not correct.</p>');
    expect(wrong.body).toContain('href="#f-current"');
    // Passwords are never written back into the page.
    expect(wrong.body).not.toContain('eleni-new-password');

    const mismatch = await here.post('/organiser/account/password', { current: GR_ORGANISER.password, password: 'eleni-new-password', confirm: 'eleni-new-passwort' });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.body).toContain('id="f-confirm-error"');
    expect((await elsewhere.get('/organiser')).statusCode).toBe(200);

    const ok = await here.post('/organiser/account/password', { current: GR_ORGANISER.password, password: 'eleni-new-password', confirm: 'eleni-new-password' });
    expect(ok.statusCode).toBe(303);
    const after = await here.get(String(ok.headers.location));
    expect(after.statusCode).toBe(200);
    expect(text(after.body)).toContain('Your password has been changed.');
    const other = await elsewhere.get('/organiser');
    expect(other.statusCode).toBe(303);
    expect(other.headers.location).toContain('/login');
    expect((await ana.get('/organiser')).statusCode).toBe(200);

    expect((await new Browser(t.app).login(GR_ORGANISER.email, GR_ORGANISER.password)).statusCode).toBe(401);
    expect((await new Browser(t.app).login(GR_ORGANISER.email, 'eleni-new-password')).headers.location).toBe('/organiser');
  });

  it('saves the organiser’s own name, language and time zone, and names a zone that is not one', async () => {
    t = await makeApp();
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await b.login(GR_ORGANISER.email, GR_ORGANISER.password);
    await b.get('/organiser/account');
    const bad = await b.post('/organiser/account', { name: 'Eleni P.', language: 'el', zone: 'Mars/Olympus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('id="f-zone-error"');
    expect(bad.body).toContain('value="Eleni P."');
    expect((await b.post('/organiser/account', { name: 'Eleni P.', language: 'el', zone: 'Europe/Nicosia' })).statusCode).toBe(303);
    expect(t.services.repos.organisers.credentials(GR_ORGANISER.email)?.organiser).toMatchObject({ name: 'Eleni P.', language: 'el', zone: 'Europe/Nicosia' });
  });
});

describe('resetting a forgotten password', () => {
  it('answers the same page for an unknown and a known address; only the known one gets mail, in the organiser’s language and zone', async () => {
    t = await makeApp();
    mail = await withMail(t);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const login = await b.get('/login');
    expect(login.body).toContain('href="/password/forgot"');

    const unknown = await forgot(b, 'nobody@example.org');
    const known = await forgot(b, RO_ORGANISER.email);
    expect(unknown.statusCode).toBe(200);
    expect(known.statusCode).toBe(200);
    const strip = (html: string) => text(html).replace(/_csrf\S*/g, '');
    expect(strip(known.body)).toBe(strip(unknown.body));
    expect(text(known.body)).toContain('If an active organiser account has this address');
    // An address sent twice is shown again beside the field, and sends nothing.
    await b.get('/password/forgot');
    const twice = await b.post('/password/forgot', { email: [RO_ORGANISER.email, GR_ORGANISER.email] });
    expect(twice.statusCode).toBe(400);
    expect(twice.body).toContain('id="f-email-error"');
    expect(twice.body).toContain('href="#f-email"');
    // Nothing typed, or something that is no address, is refused beside the field and never said to be sent.
    for (const typed of ['', 'not-an-address']) {
      await b.get('/password/forgot');
      const refused = await b.post('/password/forgot', { email: typed });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('href="#f-email"');
      expect(text(refused.body)).not.toContain('If an active organiser account has this address');
      expect(refused.body).toContain(`value="${typed}"`);
    }

    await mail.drain();
    expect(mail.sink.messages.map((m) => m.envelope.rcptTo)).toEqual([[RO_ORGANISER.email]]);
    const msg = mail.sink.messages[0]!;
    // Ana writes English and lives in Bucharest: 09:00 UTC + 1 hour is 12:00 there.
    expect(msg.parsed.subject).toBe('Choose a new Kairos password');
    expect(msg.parsed.text).toContain('12:00 (Europe/Bucharest, UTC+02:00)');
    expect(msg.parsed.html).toContain('12:00 (Europe/Bucharest, UTC+02:00)');
    expect(msg.parsed.html).toContain('/password/reset/');
  });

  it('sets a new password once, ends every login session, and voids the older links of the same person', async () => {
    t = await makeApp();
    mail = await withMail(t);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    const signedIn = new Browser(t.app);
    await signedIn.login(RO_ORGANISER.email, RO_ORGANISER.password);
    await forgot(b, RO_ORGANISER.email);
    await forgot(b, RO_ORGANISER.email);
    await mail.drain();
    expect(mail.sink.messages).toHaveLength(2);
    const [older, newer] = mail.sink.messages.map((m) => resetLink(m.parsed.text || undefined));

    const form = await b.get(newer!);
    expect(form.statusCode).toBe(200);
    const short = await b.post(newer!, { password: 'short', confirm: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('id="f-password-error"');

    const sent = await b.post(newer!, { password: 'ana-new-password-1', confirm: 'ana-new-password-1' });
    // Answered with a redirect to a page of its own: a reload asks for that page, never sends the form again.
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/password/reset/done');
    const done = await b.get('/password/reset/done');
    expect(done.statusCode).toBe(200);
    expect(text(done.body)).toContain('Your new password is set');
    expect(done.body).toContain('href="/login"');
    expect(done.body).not.toContain('<form method="post" action="/password/reset/');
    // Every login session ended.
    expect((await signedIn.get('/organiser')).statusCode).toBe(303);
    expect((await new Browser(t.app).login(RO_ORGANISER.email, 'ana-new-password-1')).headers.location).toBe('/organiser');

    // The link works once, and the older one is void too.
    const again = await b.get(newer!);
    expect(again.statusCode).toBe(410);
    expect(text(again.body)).toContain('already been used');
    expect((await b.get(older!)).statusCode).toBe(410);
    await b.get('/password/forgot');
    expect((await b.post(older!, { password: 'someone-else-123', confirm: 'someone-else-123' })).statusCode).toBe(410);
    expect((await new Browser(t.app).login(RO_ORGANISER.email, 'ana-new-password-1')).headers.location).toBe('/organiser');
  });

  it('answers a reset sent in a language chosen with ?lang= with the done page in that language', async () => {
    t = await makeApp();
    mail = await withMail(t);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await forgot(b, GR_ORGANISER.email);
    await mail.drain();
    const link = `${resetLink(mail.sink.messages[0]?.parsed.text || undefined)}?lang=el`;
    expect((await b.get(link)).statusCode).toBe(200);
    const sent = await b.post(link, { password: 'eleni-new-password-1', confirm: 'eleni-new-password-1' });
    expect(sent.statusCode).toBe(303);
    expect(sent.headers.location).toBe('/password/reset/done?lang=el');
    const done = await b.get(String(sent.headers.location));
    expect(text(done.body)).toContain('Ο νέος κωδικός σας ορίστηκε');
  });

  it('expires a link after one hour, and sends nothing to a deactivated account', async () => {
    t = await makeApp();
    mail = await withMail(t);
    const b = new Browser(t.app, { 'accept-language': 'en' });
    await forgot(b, GR_ORGANISER.email);
    await mail.drain();
    const link = resetLink(mail.sink.messages[0]?.parsed.text || undefined);
    t.clock.advance(59 * 60_000);
    expect((await b.get(link)).statusCode).toBe(200);
    t.clock.advance(60_000);
    const expired = await b.get(link);
    expect(expired.statusCode).toBe(410);
    expect(text(expired.body)).toContain('This link has expired');
    expect(expired.body).toContain('href="/password/forgot"');

    const admin = new Browser(t.app);
    await admin.login(ADMIN.email, ADMIN.password);
    const ro = t.services.repos.organisers.credentials(RO_ORGANISER.email)!.organiser;
    await admin.get('/organiser/people');
    expect((await admin.post(`/organiser/people/${ro.id}/deactivate`, {})).statusCode).toBe(303);
    mail.sink.clear();
    const answer = await forgot(b, RO_ORGANISER.email);
    expect(text(answer.body)).toContain('If an active organiser account has this address');
    await mail.drain();
    expect(mail.sink.messages).toHaveLength(0);
  });

  it('limits the form per client address with a 429 page, and sends a few links per account an hour at most', async () => {
    t = await makeApp();
    mail = await withMail(t);
    const base = await listen(t);
    const c = new HttpClient(base, { 'accept-language': 'en' });
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      await c.get('/password/forgot');
      codes.push((await c.post('/password/forgot', { email: GR_ORGANISER.email })).statusCode);
    }
    expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = c.lastPage;
    expect(limited).toContain('<html');
    expect(text(limited)).toContain('Too many');
    await mail.drain();
    // Five answers, three mails: the rest were answered alike and sent nothing.
    expect(mail.sink.messages).toHaveLength(3);
  });
});

describe('links in logs', () => {
  it('logs the route of a reset or invitation link, never its token', () => {
    expect(redactUrl('/password/reset/fDZbx2gB4HD9xZpxfhay3jZ9C8VMm1Dp5auN9mqsrbA?lang=el')).toBe('/password/reset/[token]?lang=el');
    expect(redactUrl('/invitations/mISf8gK20jr-AtYp35JceHn1CrfLG2xibdjMoGnYoRE')).toBe('/invitations/[token]');
    expect(redactUrl('/password/forgot')).toBe('/password/forgot');
  });
});
