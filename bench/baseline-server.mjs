// The HTTP baselines of `npm run bench`, each started as its own process: `node bench/baseline-server.mjs MODE`.
// Plain JavaScript on purpose: `node` runs it with no loader, so its cold start is as fair as the
// built Kairos server's (node dist/src/server.js).
//
//   ping  GET /ping → {"pong":true}: a bare Fastify 5 route. With BENCH_HEADERS (a JSON list of
//         [name, value]), every answer also carries those headers, set as Kairos sets its security
//         headers (res.setHeader in an onRequest hook): what such headers cost Node by themselves.
//   post  POST /sessions/:id/registrations: writes the rows Kairos writes for one registration (the
//         registration and its outbox rows, copied from BENCH_TEMPLATE, a JSON file of real rows) in
//         one IMMEDIATE better-sqlite3 transaction, on the file DATABASE_PATH with the pragmas of
//         src/core/db/open.ts. No validation, no rate limit, no rendering: the machine's limit for
//         that write over HTTP.
//
// Environment: PORT, HOST (127.0.0.1), BENCH_HEADERS, and for "post" DATABASE_PATH and BENCH_TEMPLATE.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const mode = process.argv[2];
const app = Fastify({ logger: false });

if (process.env.BENCH_HEADERS) {
  /** @type {[string, string][]} */
  const headers = JSON.parse(process.env.BENCH_HEADERS);
  app.addHook('onRequest', (_req, reply, done) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    done();
  });
}

// Both modes answer GET /ping (the "post" server's readiness probe).
app.get('/ping', async () => ({ pong: true }));
if (mode === 'post') {
  // Loaded only here: the ping server's cold start loads Fastify alone.
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(process.env.DATABASE_PATH);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  /** @type {{ registration: Record<string, unknown>, outbox: Record<string, unknown>[] }} */
  const tpl = JSON.parse(readFileSync(String(process.env.BENCH_TEMPLATE), 'utf8'));
  const regCols = Object.keys(tpl.registration).filter((c) => c !== 'id');
  const insertReg = db.prepare(`INSERT INTO registrations (${regCols.join(', ')}) VALUES (${regCols.map((c) => '@' + c).join(', ')})`);
  const outCols = tpl.outbox.length ? Object.keys(tpl.outbox[0]).filter((c) => c !== 'id') : [];
  const insertOut = outCols.length ? db.prepare(`INSERT INTO outbox (${outCols.join(', ')}) VALUES (${outCols.map((c) => '@' + c).join(', ')})`) : null;
  const write = db.transaction((sessionId, name, email) => {
    const now = Date.now();
    const nonce = randomBytes(16).toString('base64url');
    const reg = {
      ...tpl.registration,
      session_id: sessionId,
      name,
      email,
      email_norm: email.toLowerCase(),
      token_nonce: nonce,
      token_hash: createHash('sha256').update(nonce).digest('hex'),
      consent_at: now,
      created_at: now,
      updated_at: now,
    };
    delete reg.id;
    const id = Number(insertReg.run(reg).lastInsertRowid);
    tpl.outbox.forEach((row, i) => {
      const o = { ...row, registration_id: id, session_id: sessionId, dedupe_key: `registration:${id}:${String(row.kind)}:${i}`, recipient_email: email, recipient_name: name, created_at: now, updated_at: now };
      delete o.id;
      insertOut.run(o);
    });
    return id;
  });
  app.post('/sessions/:id/registrations', async (req, reply) => {
    const id = write.immediate(Number(req.params.id), String(req.body.name), String(req.body.email));
    return reply.code(201).send({ id, status: 'confirmed', message: 'registered' });
  });
} else if (mode !== 'ping') {
  console.error(`usage: node bench/baseline-server.mjs ping|post (got ${mode})`);
  process.exit(2);
}

const close = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', close);
process.on('SIGINT', close);
await app.listen({ host: process.env.HOST || '127.0.0.1', port: Number(process.env.PORT) || 0 });
