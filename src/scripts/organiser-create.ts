/**
 * npm run organiser:create -- --email ana@example.org --role hub --hub gr-digigov-innohub [--name "Ana"] [--password …]
 * Without --password a strong one is generated and printed once.
 */
import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { CLI_ACTOR } from '../core/audit/index.js';
import { createServices } from '../services.js';
import { generatePassword } from '../core/crypto.js';
import { cli, fail } from './args.js';

const o = cli('organiser:create', 'Creates an organiser who can log in. An administrator manages every hub; a hub organiser manages the sessions of one hub.', {
  email: { type: 'string', value: 'EMAIL', describe: 'Login address of the organiser', required: true },
  role: { type: 'string', value: 'admin|hub', describe: 'admin (every hub) or hub (one hub, named by --hub)', required: true },
  hub: { type: 'string', value: 'HUB_SLUG', describe: 'The hub of a hub organiser (an unknown slug lists the valid ones)' },
  name: { type: 'string', value: 'NAME', describe: 'Name shown to other organisers (default: the email)' },
  password: { type: 'string', value: 'PASSWORD', describe: 'At least 12 characters; without it a strong one is generated and printed once' },
  language: { type: 'string', value: 'LANG', describe: 'Language of the organiser pages and emails, e.g. el' },
  zone: { type: 'string', value: 'ZONE', describe: 'Time zone the organiser thinks in, e.g. Europe/Athens' },
});
const email = o.email ?? '';
const role = o.role;
if (role !== 'admin' && role !== 'hub') fail(`--role must be admin or hub, not "${role ?? ''}"`);
if (role === 'admin' && o.hub) fail('--hub is only for --role hub: an administrator manages every hub');

const { db, config } = openMigratedOrExit();
const services = createServices({ db, clock: systemClock, config });
const hubs = services.repos.hubs.list();
const hubList = () => (hubs.length ? `Valid hubs:\n${hubs.map((h) => `  ${h.slug.padEnd(24)}${h.name} (${h.country})`).join('\n')}` : 'There are no hubs yet: run npm run db:seed first.');
if (role === 'hub' && !o.hub) {
  db.close();
  fail(`--hub is required with --role hub. ${hubList()}`);
}
if (role === 'hub' && !hubs.some((h) => h.slug === o.hub)) {
  db.close();
  fail(`--hub: no hub "${o.hub ?? ''}". ${hubList()}`);
}
const password = o.password ?? generatePassword();
try {
  const created = await services.auth.createOrganiser({ email, name: o.name ?? email, password, role, hubSlug: o.hub, language: o.language, zone: o.zone }, CLI_ACTOR);
  console.log(`Organiser ${created.email} created (${role === 'admin' ? 'administrator' : `hub organiser, ${o.hub ?? ''}`}).`);
  if (!o.password) console.log(`Password: ${password}\nIt is shown only now.`);
} catch (err) {
  if (err instanceof AppError) {
    console.error(`${err.field ?? 'error'}: ${err.message}`);
    process.exitCode = 1;
  } else {
    throw err;
  }
} finally {
  db.close();
}
