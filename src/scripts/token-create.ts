/** npm run token:create -- --email ana@example.org --name "CI import" : prints a new API token once. */
import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { CLI_ACTOR } from '../core/audit/index.js';
import { createServices } from '../services.js';
import { cli } from './args.js';

const o = cli('token:create', 'Creates an API token for an organiser and prints it once (only its hash is kept).', {
  email: { type: 'string', value: 'EMAIL', describe: 'The organiser the token acts as', required: true },
  name: { type: 'string', value: 'NAME', describe: 'A label to recognise the token by (default: cli)' },
  scope: { type: 'string', value: 'SCOPE', describe: 'api (the JSON API, default) or inbound (only POST /api/v1/inbound/mail)' },
});
const { db, config } = openMigratedOrExit();
const services = createServices({ db, clock: systemClock, config });
const cred = services.repos.organisers.credentials(o.email ?? '');
if (!cred) {
  console.error(`--email: no organiser ${o.email ?? ''}`);
  db.close();
  process.exit(1);
}
const scope = o.scope ?? 'api';
if (scope !== 'api' && scope !== 'inbound') {
  console.error(`--scope: api or inbound, not ${scope}`);
  db.close();
  process.exit(1);
}
const { token } = services.auth.createToken(cred.organiser.id, o.name ?? 'cli', scope, CLI_ACTOR);
console.log(`API token for ${cred.organiser.email} (shown only now):\n${token}`);
db.close();
