import { openMigratedOrExit } from '../core/boot.js';
import { cli } from './args.js';

cli('db:migrate', 'Applies the migrations in db/ that the database (DATABASE_PATH) does not have yet.', {});

const { db, applied, config } = openMigratedOrExit();
const version = db.pragma('user_version', { simple: true });
console.log(applied.length ? `Applied migrations ${applied.join(', ')} to ${config.databasePath}` : `Database is up to date`, `(schema version ${Number(version)})`);
db.close();
