import { openMigratedOrExit } from '../core/boot.js';

const { db, applied, config } = openMigratedOrExit();
const version = db.pragma('user_version', { simple: true });
console.log(applied.length ? `Applied migrations ${applied.join(', ')} to ${config.databasePath}` : `Database is up to date`, `(schema version ${Number(version)})`);
db.close();
