/**
 * Kairos benchmark (`npm run bench`): every goal of "speed that stays flat" in one run, on a small
 * database (a fresh seed) and a large one (1,000 sessions, 100,000 registrations, 1,000,000 outbox
 * rows), each figure beside a baseline that does the same kind of work with nothing on top.
 *
 * Kairos is measured as `npm start` serves it: the built server (`node dist/bundle/server.mjs`, built
 * first when dist/ is missing or older than src/), NODE_ENV unset, the default log level, seed on
 * start. The in-process dispatcher is off (DISPATCHER_ENABLED=false: the email row drives a
 * dispatcher of its own) and the registration rate limits are raised to their maximum (the load
 * is one address posting thousands of registrations a minute).
 *
 * Everything talks to 127.0.0.1 only; the databases and logs live in a temporary directory that is
 * removed at the end, also on an error or Ctrl-C, and every child process is stopped. Figures are
 * printed, never asserted. See bench/README.md.
 *
 *   npm run bench      BENCH_HTTP_SECONDS (2), BENCH_CONNECTIONS (10), BENCH_ROUNDS (3), BENCH_LARGE=0
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimTick, type Tick } from './claim-tick.js';
import { Child } from './child.js';
import { MAIL_N, measureEmail, RAW_MAIL_N } from './email-row.js';
import type { LoadRequest, LoadResult } from './http-load.js';
import { createOpenSession, hubIdsOf, openKairos, registrationInput, registrationJson } from './kairos.js';
import { generateLargeDb, LARGE } from './large-db.js';
import { buildIfStale, cleanUp, cpuMsOf, request, ROOT, rssOf, SERVER_JS, sleep, startServer, stopServer, tempDir, type Server } from './procs.js';
import { ACCEPT_ENCODING, atLeast, atMost, below, goalText, mb, median, num, nowMs, quantile, Samples, table, type Goal } from './stats.js';

// ------------------------------------------------------------------------------------- settings

const envInt = (name: string, def: number, min: number, max: number) => {
  const raw = process.env[name];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) && n >= min && n <= max ? n : def;
};
const HTTP_SECONDS = envInt('BENCH_HTTP_SECONDS', 2, 1, 60);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 10, 1, 500);
const ROUNDS = envInt('BENCH_ROUNDS', 3, 1, 20);
const WITH_LARGE = process.env.BENCH_LARGE !== '0';
/** Warm-up before each measured window of the first round (JIT, caches); the later rounds find the servers warm. */
const WARMUP_FIRST_MS = 1_000;
const WARMUP_MS = 0;
const COLD_RUNS = 3;
const REG_N = 2_000;
const REG_BLOCKS = 4;
const REG_WARMUP = 100;
/** The whole run must end well inside this; past it the run is stopped (and cleaned up). */
const HARD_LIMIT_MS = 30 * 60_000;

// ------------------------------------------------------------------------------------- output

const out = (line = '') => process.stdout.write(line + '\n');
const t0 = nowMs();
const elapsed = () => `${num((nowMs() - t0) / 1000, 0)} s`;

type Db = 'small' | 'large';

/** A cell of the summary: "Kairos / baseline = ratio (goal) ✓". */
interface Cell {
  text: string;
}
interface SummaryRow {
  row: string;
  small?: Cell;
  large?: Cell;
  factor?: string;
}
const summary: SummaryRow[] = [];

function machineLine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const load = os.loadavg().map((l) => num(l, 2)).join(' ');
  return `Machine: ${model}, ${cpus.length} cores, ${mb(os.totalmem())} RAM, Node ${process.version}, ${process.platform} ${process.arch}; load average ${load}`;
}

function loadWarning(when: string): void {
  const [load1 = 0] = os.loadavg();
  if (load1 > os.cpus().length / 2) out(`Warning (${when}): the machine is busy (1-minute load ${num(load1, 2)} on ${os.cpus().length} cores): figures are low and noisy.`);
}

/** 12,345 / 45.6 / 0.62: whole numbers from 100 up, decimals below. */
const figure = (v: number) => num(v, Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
const ratioCell = (k: number, b: number, unit: string, goal: Goal): Cell => {
  const r = k / b;
  return { text: `${figure(k)} / ${figure(b)} ${unit} = ${num(r, r < 0.1 ? 3 : 2)}x ${goalText(r, goal)}` };
};

// ------------------------------------------------------------------------------------- servers

interface Instance {
  db: Db;
  file: string;
  server?: Server;
  /** The session whose page, API record, .ics and registrations are measured. */
  sessionId: number;
  sessionNote: string;
  hubId: number;
  /** An empty open session (register() baseline on the large database). */
  emptySessionId?: number;
}

const kairosEnv = (file: string): Record<string, string> => ({
  DATABASE_PATH: file,
  DISPATCHER_ENABLED: 'false',
  REGISTRATION_RATE_PER_IP: '100000',
  REGISTRATION_RATE_PER_SESSION: '1000000',
});

let logDir = '';
const startKairos = (inst: Instance, name: string) => startServer(name, [SERVER_JS], kairosEnv(inst.file), '/healthz', logDir);
const startBare = (headers?: [string, string][]) =>
  startServer(headers ? 'bare-headers' : 'bare-ping', [path.join(ROOT, 'bench', 'baseline-server.mjs'), 'ping'], headers ? { BENCH_HEADERS: JSON.stringify(headers) } : {}, '/ping', logDir);
/** Headers of an answer that are not the security headers Kairos sets on every answer. */
const NOT_SECURITY = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'vary', 'content-encoding', 'etag', 'cache-control']);

// ------------------------------------------------------------------------------------- HTTP rows

interface HttpRow {
  key: string;
  label: string;
  goal: Goal;
  path(i: Instance): string;
  post?: boolean;
}

const HTTP_ROWS: HttpRow[] = [
  { key: 'healthz', label: 'GET /healthz', goal: atLeast(0.6), path: () => '/healthz' },
  { key: 'home', label: 'GET /', goal: atLeast(0.3), path: () => '/' },
  { key: 'page', label: 'GET /sessions/:id (form)', goal: atLeast(0.2), path: (i) => `/sessions/${i.sessionId}` },
  { key: 'api', label: 'GET /api/v1/sessions/:id', goal: atLeast(0.4), path: (i) => `/api/v1/sessions/${i.sessionId}` },
  { key: 'list', label: 'GET /api/v1/sessions', goal: atLeast(0.4), path: () => '/api/v1/sessions' },
  { key: 'ics', label: 'GET /sessions/:id/calendar.ics', goal: atLeast(0.4), path: (i) => `/sessions/${i.sessionId}/calendar.ics` },
  { key: 'feed', label: 'GET /hubs/:id/calendar.ics', goal: atLeast(0.4), path: (i) => `/hubs/${i.hubId}/calendar.ics` },
  { key: 'post', label: 'POST /api/v1/sessions/:id/registrations', goal: atLeast(0.7), path: (i) => `/api/v1/sessions/${i.sessionId}/registrations`, post: true },
];

interface Window {
  r: LoadResult;
  serverCpu: number;
}

class Loader {
  private readonly child = Child.start('./http-load.ts');
  async run(port: number, p: string, pid: number | undefined, warmupMs: number, body?: string): Promise<Window> {
    const req: LoadRequest = { type: 'run', port, path: p, connections: CONNECTIONS, durationMs: HTTP_SECONDS * 1000, warmupMs, ...(body ? { method: 'POST', body } : {}) };
    const measuring = this.child.next('measuring', warmupMs + 120_000);
    this.child.send(req);
    await measuring;
    const cpu0 = cpuMsOf(pid);
    const w0 = nowMs();
    const r = await this.child.next<LoadResult>('result', HTTP_SECONDS * 1000 + 120_000);
    return { r, serverCpu: ((cpuMsOf(pid) - cpu0) / (nowMs() - w0)) * 100 };
  }
  stop = () => this.child.stop();
}

// ------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  out(machineLine());
  out(`Kairos benchmark (npm run bench), ${new Date().toISOString()}`);
  loadWarning('start');
  out(
    `HTTP: ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds × ${HTTP_SECONDS} s per target (medians), warm-up ${WARMUP_FIRST_MS / 1000} s per target in the first round; ` +
      `databases: small (fresh seed)${WITH_LARGE ? `, large (${num(LARGE.sessions, 0)} sessions, ${num(LARGE.registrations, 0)} registrations, ${num(LARGE.registrations * LARGE.outboxPerRegistration, 0)} outbox rows)` : ' only (BENCH_LARGE=0)'}; 127.0.0.1 only`,
  );
  out(`Build: ${buildIfStale()}`);
  out();

  const root = tempDir('kairos-bench-');
  logDir = path.join(root, 'logs');
  mkdirSync(logDir);

  // ---------------------------------------------------------------- databases
  out('1. Databases');
  const instances: Instance[] = [];
  {
    mkdirSync(path.join(root, 'small'));
    const file = path.join(root, 'small', 'kairos.sqlite');
    const first = await startKairos({ db: 'small', file, sessionId: 0, sessionNote: '', hubId: 0 }, 'kairos-small-first');
    await stopServer(first);
    const k = openKairos(file);
    const open = createOpenSession(k, 'Digital public services: an open session');
    const hubId = hubIdsOf(k)[0]!;
    k.close();
    instances.push({ db: 'small', file, sessionId: open.id, sessionNote: `session ${open.id}: upcoming, open, no registrations`, hubId });
    out(`   small: first start (new file: migrations, seed, administrator) ${num(first.startMs, 0)} ms to the first 200; one open session added (id ${open.id}, capacity 100,000)`);
  }
  if (WITH_LARGE) {
    mkdirSync(path.join(root, 'large'));
    const file = path.join(root, 'large', 'kairos.sqlite');
    const g = generateLargeDb(file);
    out(
      `   large: generated in ${num(g.ms.total / 1000, 1)} s (schema + seed ${num(g.ms.schema / 1000, 1)} s, sessions ${num(g.ms.sessions / 1000, 1)} s, registrations ${num(g.ms.registrations / 1000, 1)} s, outbox ${num(g.ms.outbox / 1000, 1)} s): ` +
        `${num(g.counts.sessions, 0)} sessions, ${num(g.counts.registrations, 0)} registrations, ${num(g.counts.outbox, 0)} outbox rows (${num(g.counts.queued, 0)} queued for later, none due), ${mb(g.bytes)}`,
    );
    const inst: Instance = { db: 'large', file, sessionId: g.bigSessionId, sessionNote: `session ${g.bigSessionId}: upcoming, open, ${num(LARGE.bigSession, 0)} registrations`, hubId: 0 };
    const first = await startKairos(inst, 'kairos-large-first');
    await stopServer(first);
    const k = openKairos(file);
    inst.hubId = hubIdsOf(k)[0]!;
    inst.emptySessionId = createOpenSession(k, 'Digital public services: an open session').id;
    k.close();
    instances.push(inst);
    out(`   large: first start (administrator) ${num(first.startMs, 0)} ms to the first 200`);
  }
  out(`   (${elapsed()})`);
  out();

  // ---------------------------------------------------------------- claim tick (nothing due)
  out('2. Outbox: the dispatcher tick with nothing due (claimDue in-process on the file, median of up to 300 calls or 3 s, at least 3)');
  const ticks = new Map<Db, Tick>();
  for (const inst of instances) {
    const k = openKairos(inst.file);
    const outboxRows = (k.db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    const t = claimTick(k.db);
    k.close();
    ticks.set(inst.db, t);
    out(`   ${inst.db} (${num(outboxRows, 0)} outbox rows): tick ${num(t.tickMs, 3)} ms (p90 ${num(t.tickP90, 3)}, n ${t.n}), due query ${num(t.dueMs, 3)} ms, expiry query ${num(t.expireMs, 3)} ms${t.claimed ? `; ${t.claimed} rows were due (released)` : ''}`);
    for (const p of t.plans) out(`      plan ${p}`);
  }
  out(`   (${elapsed()})`);
  out();

  // ---------------------------------------------------------------- cold start
  out(`3. Cold start: spawn → first 200 (Kairos: GET /healthz of node dist/bundle/server.mjs on an existing database; bare: GET /ping), ${COLD_RUNS} runs interleaved`);
  const cold = { bare: [] as number[], small: [] as number[], large: [] as number[] };
  for (let r = 0; r < COLD_RUNS; r++) {
    const b = await startBare();
    cold.bare.push(b.startMs);
    await stopServer(b);
    for (const inst of instances) {
      const s = await startKairos(inst, `kairos-${inst.db}-cold`);
      cold[inst.db].push(s.startMs);
      await stopServer(s);
    }
  }
  out(`   bare Fastify ${cold.bare.map((v) => num(v, 0)).join(', ')} ms; Kairos small ${cold.small.map((v) => num(v, 0)).join(', ')} ms${WITH_LARGE ? `; Kairos large ${cold.large.map((v) => num(v, 0)).join(', ')} ms` : ''}`);
  out(`   (${elapsed()})`);
  out();

  // ---------------------------------------------------------------- HTTP
  out(`4. HTTP: ${CONNECTIONS} keep-alive connections, closed loop (load generator in its own process)`);
  const bare = await startBare();
  const rssStart = new Map<string, number>([['bare', rssOf(bare.proc.pid)]]);
  for (const inst of instances) {
    inst.server = await startKairos(inst, `kairos-${inst.db}`);
    rssStart.set(inst.db, rssOf(inst.server.proc.pid));
  }
  for (const inst of instances) out(`   ${inst.db}: ${inst.sessionNote}; hub feed of hub ${inst.hubId}`);

  // Check every target once; a target that does not answer 2xx is an error row, not measured.
  const ok = new Map<string, boolean>();
  const bodies = new Map<string, string>();
  let securityHeaders: [string, string][] = [];
  const post = (i: Instance, n: string) => registrationJson(i.hubId).replaceAll('__N__', n);
  for (const inst of instances) {
    for (const row of HTTP_ROWS) {
      const p = row.path(inst);
      const res = await request(inst.server!.port, p, { headers: { 'accept-encoding': ACCEPT_ENCODING }, ...(row.post ? { method: 'POST', body: post(inst, `check-${inst.db}`) } : {}) });
      if (row.key === 'healthz') securityHeaders = Object.entries(res.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !NOT_SECURITY.has(e[0]));
      const good = res.status >= 200 && res.status < 300;
      ok.set(`${row.key}:${inst.db}`, good);
      bodies.set(`${row.key}:${inst.db}`, res.body);
      const form = row.key === 'page' ? (res.body.includes(`/sessions/${inst.sessionId}/register`) ? ', registration form present' : ', NO registration form') : '';
      const sent = res.coding ? `${num(res.bytes, 0)} B sent in ${res.coding} (${num(Buffer.byteLength(res.body), 0)} B unpacked)` : `${num(res.bytes, 0)} B`;
      out(`   check ${inst.db} ${row.label.split(' ')[0]} ${p}: ${res.status} ${res.type}, ${sent}${form}${good ? '' : ' → ERROR, not measured'}`);
    }
  }
  const pingCheck = await request(bare.port, '/ping');
  out(`   check bare GET /ping: ${pingCheck.status} ${pingCheck.type}, ${num(pingCheck.bytes, 0)} B`);
  // A reference, no goal: the bare route with the security headers Kairos sets on every answer.
  const bareHeaders = await startBare(securityHeaders);
  out(`   reference: bare GET /ping with Kairos's ${securityHeaders.length} security headers (${securityHeaders.map(([n]) => n).join(', ')})`);

  // What one registration POST writes, copied by the raw route: the registration and its outbox rows.
  const small = instances[0]!;
  let raw: Server;
  let rowsWritten = '';
  {
    const k = openKairos(small.file);
    const created = JSON.parse(bodies.get('post:small') ?? '{}') as { id?: number };
    const reg = k.db.prepare('SELECT * FROM registrations WHERE id = ?').get(created.id ?? -1) as Record<string, unknown> | undefined;
    if (!reg) throw new Error(`the check POST on the small database created no registration (answer: ${bodies.get('post:small')})`);
    const outbox = k.db.prepare('SELECT * FROM outbox WHERE registration_id = ? ORDER BY id').all(reg.id) as Record<string, unknown>[];
    rowsWritten = `1 registration (${String(reg.status)}) + ${outbox.length} outbox rows (${outbox.map((o) => `${String(o.kind)} ${String(o.status)}`).join(', ')})`;
    const template = path.join(root, 'raw-template.json');
    writeFileSync(template, JSON.stringify({ registration: reg, outbox }));
    const rawFile = path.join(root, 'raw.sqlite');
    k.db.exec(`VACUUM INTO '${rawFile.replaceAll("'", "''")}'`);
    k.close();
    raw = await startServer('raw-post', [path.join(ROOT, 'bench', 'baseline-server.mjs'), 'post'], { DATABASE_PATH: rawFile, BENCH_TEMPLATE: template }, '/ping', logDir);
  }
  out(`   one registration POST writes ${rowsWritten}; the raw route writes the same in one IMMEDIATE transaction`);
  out(`   (${elapsed()})`);

  const loader = new Loader();
  const windows = new Map<string, Window[]>();
  const push = (key: string, w: Window) => windows.set(key, [...(windows.get(key) ?? []), w]);
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      const warm = round === 1 ? WARMUP_FIRST_MS : WARMUP_MS;
      push('bare', await loader.run(bare.port, '/ping', bare.proc.pid, warm));
      push('bare-headers', await loader.run(bareHeaders.port, '/ping', bareHeaders.proc.pid, warm));
      for (const row of HTTP_ROWS) {
        if (row.post) push('raw', await loader.run(raw.port, `/sessions/${small.sessionId}/registrations`, raw.proc.pid, warm, registrationJson(small.hubId)));
        for (const inst of instances) {
          if (!ok.get(`${row.key}:${inst.db}`)) continue;
          push(`${row.key}:${inst.db}`, await loader.run(inst.server!.port, row.path(inst), inst.server!.proc.pid, warm, row.post ? registrationJson(inst.hubId) : undefined));
        }
      }
      out(`   round ${round}/${ROUNDS} done (${elapsed()})`);
    }
  } finally {
    await loader.stop();
  }
  await sleep(1_500);
  const rssIdle = new Map<string, number>([['bare', rssOf(bare.proc.pid)], ['raw', rssOf(raw.proc.pid)]]);
  for (const inst of instances) rssIdle.set(inst.db, rssOf(inst.server!.proc.pid));
  loadWarning('after HTTP');
  for (const s of [bare, bareHeaders, raw, ...instances.map((i) => i.server!)]) await stopServer(s);

  const med = (key: string, f: (w: Window) => number) => median((windows.get(key) ?? []).map(f));
  const rps = (key: string) => med(key, (w) => w.r.rps);
  const detail: string[][] = [['target', 'db', 'req/s per round', 'median req/s', 'p50 ms', 'p99 ms', 'errors', 'B/resp', 'server CPU', 'loader CPU']];
  const detailRow = (label: string, db: string, key: string) => {
    const ws = windows.get(key) ?? [];
    detail.push([
      label,
      db,
      ws.map((w) => figure(w.r.rps)).join(' '),
      figure(rps(key)),
      num(med(key, (w) => w.r.p50Ms), 2),
      num(med(key, (w) => w.r.p99Ms), 2),
      String(ws.reduce((n, w) => n + w.r.non2xx + w.r.socketErrors, 0)),
      num(med(key, (w) => w.r.bytesPerResponse), 0),
      `${num(med(key, (w) => w.serverCpu), 0)}%`,
      `${num(med(key, (w) => w.r.loaderCpu), 0)}%`,
    ]);
  };
  detailRow('bare Fastify GET /ping (baseline)', '-', 'bare');
  detailRow('  the same + security headers (reference)', '-', 'bare-headers');
  for (const row of HTTP_ROWS) {
    if (row.post) detailRow('raw POST, same rows (baseline)', '-', 'raw');
    for (const inst of instances) {
      if (ok.get(`${row.key}:${inst.db}`)) detailRow(row.label, inst.db, `${row.key}:${inst.db}`);
      else detail.push([row.label, inst.db, 'ERROR (see check)', '', '', '', '', '', '', '']);
    }
  }
  out();
  out(table(detail, 2));
  out('   server CPU: the measured server process, % of one core over the window; errors: non-2xx + socket errors');

  for (const row of HTTP_ROWS) {
    const baseKey = row.post ? 'raw' : 'bare';
    const base = rps(baseKey);
    const s: SummaryRow = { row: row.label };
    const cell = (db: Db): Cell | undefined => {
      if (!instances.some((i) => i.db === db)) return undefined;
      if (!ok.get(`${row.key}:${db}`)) return { text: 'ERROR: not 2xx (see check)' };
      return ratioCell(rps(`${row.key}:${db}`), base, 'req/s', row.goal);
    };
    s.small = cell('small');
    s.large = cell('large');
    if (WITH_LARGE && ok.get(`${row.key}:small`) && ok.get(`${row.key}:large`)) {
      const f = rps(`${row.key}:small`) / rps(`${row.key}:large`);
      s.factor = `${num(f, 2)}x ${goalText(f, atMost(1.2, '1.20x'))}`;
    }
    summary.push(s);
    if (row.key === 'healthz') {
      const r = rps('bare-headers') / rps('bare');
      summary.push({ row: "  reference: bare + Kairos's security headers", small: { text: `${figure(rps('bare-headers'))} / ${figure(rps('bare'))} req/s = ${num(r, 2)}x (no goal: what the headers alone leave)` } });
    }
    if (row.post) {
      const p99 = (db: Db): Cell | undefined =>
        instances.some((i) => i.db === db) && ok.get(`post:${db}`)
          ? { text: `${num(med(`post:${db}`, (w) => w.r.p99Ms), 1)} ms / ${num(med('raw', (w) => w.r.p99Ms), 1)} ms ${goalText(med(`post:${db}`, (w) => w.r.p99Ms), below(30, '30 ms'))}` }
          : undefined;
      summary.push({ row: '  POST p99 (Kairos / raw)', small: p99('small'), large: p99('large') });
    }
  }
  // Idle: the server started and answering, nothing asked of it yet (the goal); then idle again after the load (reported).
  const rssCell = (db: Db): Cell | undefined =>
    rssStart.has(db) ? { text: `${mb(rssStart.get(db)!)} / ${mb(rssStart.get('bare')!)} ${goalText(rssStart.get(db)! / 1048576, atMost(90, '90 MB'))}` } : undefined;
  const rssAfterCell = (db: Db): Cell | undefined => (rssIdle.has(db) ? { text: `${mb(rssIdle.get(db)!)} / ${mb(rssIdle.get('bare')!)} (no goal)` } : undefined);
  const coldCell = (db: Db): Cell | undefined =>
    cold[db].length ? { text: `${num(median(cold[db]), 0)} ms / ${num(median(cold.bare), 0)} ms ${goalText(median(cold[db]), atMost(600, '600 ms'))}` } : undefined;
  const tickCell = (db: Db, f: (t: Tick) => number): Cell | undefined => {
    const t = ticks.get(db);
    return t ? { text: `${num(f(t), 3)} ms ${goalText(f(t), below(1, '1 ms'))}` } : undefined;
  };
  out(`   (${elapsed()})`);
  out();

  // ---------------------------------------------------------------- register()
  let regCell: Cell | undefined;
  const large = instances.find((i) => i.db === 'large');
  if (large) {
    out(`5. register(): RegistrationService.register(id, input, 'api') in-process on the large database, the full session vs an empty one (both capacity 100,000, no double opt-in), ${REG_BLOCKS} alternating blocks, ${num(REG_N, 0)} each`);
    const k = openKairos(large.file);
    const hubIds = hubIdsOf(k);
    const count = (id: number) => (k.db.prepare(`SELECT count(*) AS n FROM registrations WHERE session_id = ?`).get(id) as { n: number }).n;
    const sides = [
      { name: 'full', id: large.sessionId, samples: new Samples(), ms: 0, notConfirmed: 0 },
      { name: 'empty', id: large.emptySessionId!, samples: new Samples(), ms: 0, notConfirmed: 0 },
    ];
    for (const side of sides) for (let i = 0; i < REG_WARMUP; i++) k.services.registrations.register(side.id, registrationInput(i, `warm-${side.name}-`, hubIds), 'api');
    const before = sides.map((side) => count(side.id));
    const per = REG_N / REG_BLOCKS;
    for (let b = 0; b < REG_BLOCKS; b++) {
      for (const side of b % 2 ? [...sides].reverse() : sides) {
        const inputs = Array.from({ length: per }, (_, i) => registrationInput(b * per + i, `reg-${side.name}-`, hubIds));
        const start = nowMs();
        for (const input of inputs) {
          const a = nowMs();
          if (k.services.registrations.register(side.id, input, 'api').outcome !== 'confirmed') side.notConfirmed++;
          side.samples.push((nowMs() - a) * 1000);
        }
        side.ms += nowMs() - start;
      }
    }
    k.close();
    const [full, empty] = sides as [(typeof sides)[0], (typeof sides)[0]];
    const ops = (s: typeof full) => (REG_N / s.ms) * 1000;
    out(
      table([
        ['session', 'registrations before the timed calls', 'ops/s', 'µs/op (mean)', 'p50 µs', 'p99 µs', 'not confirmed'],
        ...sides.map((s, i) => {
          const sorted = s.samples.sorted();
          return [s.name, num(before[i]!, 0), num(ops(s), 0), num((s.ms * 1000) / REG_N, 1), num(quantile(sorted, 0.5), 1), num(quantile(sorted, 0.99), 1), String(s.notConfirmed)];
        }),
      ]),
    );
    regCell = ratioCell(ops(full), ops(empty), 'ops/s', atLeast(1 / 1.2, '0.83x'));
    out(`   (${elapsed()})`);
    out();
  }

  // ---------------------------------------------------------------- email
  out(`6. Email: the same SMTP sink (own process) for both; raw pooled nodemailer ${num(RAW_MAIL_N, 0)} messages vs the Kairos Dispatcher ${num(MAIL_N, 0)} messages (own process each), small database`);
  const mail = await measureEmail(small.file, small.sessionId, out);
  const mailCell = ratioCell(mail.dispatcher, mail.raw, 'msg/s', atLeast(0.8));
  const growth = mail.rssEnd / mail.rssStart - 1;
  const mailRssCell: Cell = { text: `${mb(mail.rssStart)} → ${mb(mail.rssEnd)} (${growth >= 0 ? '+' : ''}${num(growth * 100, 1)}%) ${goalText(growth * 100, atMost(10, '+10%'))}` };
  out(`   (${elapsed()})`);
  out();

  // ---------------------------------------------------------------- summary
  summary.push(
    { row: 'register(): full session / empty', large: regCell },
    { row: `dispatcher → SMTP (${num(MAIL_N / 1000, 0)}k msgs) vs raw pool`, small: mailCell },
    { row: `  dispatcher RSS over ${num(MAIL_N, 0)} msgs`, small: mailRssCell },
    { row: 'claim tick, nothing due', small: tickCell('small', (t) => t.tickMs), large: tickCell('large', (t) => t.tickMs) },
    { row: 'due query', small: tickCell('small', (t) => t.dueMs), large: tickCell('large', (t) => t.dueMs) },
    { row: 'cold start to first 200 (Kairos / bare)', small: coldCell('small'), large: coldCell('large') },
    { row: 'idle RSS, started (Kairos / bare)', small: rssCell('small'), large: rssCell('large') },
    { row: '  idle again after the HTTP load', small: rssAfterCell('small'), large: rssAfterCell('large') },
  );
  out('SUMMARY  (Kairos / baseline = ratio (goal); ✓ meets the goal, ✗ misses it; large/small: small req/s ÷ large req/s)');
  out(table([['row', 'small: Kairos / baseline = ratio (goal)', 'large: Kairos / baseline = ratio (goal)', 'large/small (goal)'], ...summary.map((s) => [s.row, s.small?.text ?? '-', s.large?.text ?? '-', s.factor ?? ''])], 4));
  out();
  out(`Done in ${elapsed()}.`);
}

// ------------------------------------------------------------------------------------- run

let finished = false;
const finish = (code: number) => {
  if (finished) return;
  finished = true;
  cleanUp();
  process.exit(code);
};
process.on('SIGINT', () => {
  console.error('bench: interrupted, cleaning up');
  finish(130);
});
process.on('SIGTERM', () => finish(143));
process.on('exit', () => cleanUp());
setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MS / 60_000} min, giving up`);
  finish(1);
}, HARD_LIMIT_MS).unref();

main().then(
  () => finish(0),
  (err: unknown) => {
    console.error('bench failed:', err);
    finish(1);
  },
);
