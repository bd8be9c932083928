/** npm run token:create -- --email ana@example.org --name "CI import" : prints a new API token once. */
import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { createServices } from '../services.js';
import { options } from './args.js';

const o = options({ email: { type: 'string' }, name: { type: 'string' } });
if (!o.email) {
  console.error('Usage: npm run token:create -- --email ORGANISER_EMAIL [--name NAME]');
  process.exit(2);
}
const { db, config } = openMigratedOrExit();
const services = createServices({ db, clock: systemClock, config });
const cred = services.repos.organisers.credentials(o.email);
if (!cred) {
  console.error(`email: no organiser ${o.email}`);
  process.exit(1);
}
const { token } = services.auth.createToken(cred.organiser.id, o.name ?? 'cli');
console.log(`API token for ${cred.organiser.email} (shown only now):\n${token}`);
db.close();
