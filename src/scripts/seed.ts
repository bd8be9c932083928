import { openMigratedOrExit } from '../core/boot.js';
import { systemClock } from '../core/clock.js';
import { seed } from '../seed/seed.js';
import { createServices } from '../services.js';
import { cli } from './args.js';

cli('db:seed', 'Adds the network\'s hubs, series and sessions from the press release; what is already there is left as it is.', {});

const { db, config } = openMigratedOrExit();
const result = seed(db, createServices({ db, clock: systemClock, config }), systemClock);
console.log(result.created.length ? `Seeded: ${result.created.join(', ')}` : 'Seed data already present; nothing changed.');
db.close();
