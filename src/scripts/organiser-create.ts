/**
 * npm run organiser:create -- --email ana@example.org --name "Ana" --role hub --hub gr-digigov-innohub [--password …]
 * Without --password a strong one is generated and printed once.
 */
import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { AppError } from '../core/errors.js';
import { createServices } from '../services.js';
import { generatePassword } from '../core/crypto.js';
import { options } from './args.js';

const o = options({
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  hub: { type: 'string' },
  password: { type: 'string' },
  language: { type: 'string' },
  zone: { type: 'string' },
});
if (!o.email) {
  console.error('Usage: npm run organiser:create -- --email EMAIL [--name NAME] [--role admin|hub] [--hub HUB_SLUG] [--password P] [--language el] [--zone Europe/Athens]');
  process.exit(2);
}
const role = (o.role ?? (o.hub ? 'hub' : 'admin')) as 'admin' | 'hub';
if (role !== 'admin' && role !== 'hub') {
  console.error('--role must be admin or hub');
  process.exit(2);
}
const { db, config } = openMigratedOrExit();
const services = createServices({ db, clock: systemClock, config });
const password = o.password ?? generatePassword();
try {
  const created = await services.auth.createOrganiser({ email: o.email, name: o.name ?? o.email, password, role, hubSlug: o.hub, language: o.language, zone: o.zone });
  console.log(`Organiser ${created.email} created (${role}${o.hub ? `, hub ${o.hub}` : ''}).`);
  if (!o.password) console.log(`Password: ${password}\nIt is shown only now.`);
} catch (err) {
  if (err instanceof AppError) {
    console.error(`${err.field ?? 'error'}: ${err.message}`);
    process.exit(1);
  }
  throw err;
} finally {
  db.close();
}
