import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { seed } from '../seed/seed.js';
import { seedDemo } from '../seed/seed-demo.js';
import { createServices } from '../services.js';
import { cli } from './args.js';

cli('db:seed', 'Adds the network\'s hubs, series and sessions from the press release; what is already there is left as it is.', {});

const { db, config } = openMigratedOrExit();
const services = createServices({ db, clock: systemClock, config });
const result = seed(db, services, systemClock);
if (config.seedDemo) result.created.push(...seedDemo(db, services, systemClock).created);
console.log(result.created.length ? `Seeded: ${result.created.join(', ')}` : 'Seed data already present; nothing changed.');
db.close();
