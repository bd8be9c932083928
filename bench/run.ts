/**
 * Kairos benchmark: each hot path beside the machine's limit for the same kind of work, in one run.
 *
 *   1. HTTP    bare Fastify GET /ping  vs  GET /sessions/:id (Eta page), /api/v1/sessions/:id, /sessions/:id/calendar.ics
 *   2. SQLite  raw better-sqlite3 INSERT of a registration row, one transaction each  vs  RegistrationService.register
 *   3. Email   raw nodemailer pooled SMTP sends  vs  the outbox Dispatcher (claim + render + send + record)
 *   4. Memory  RSS and heap used after each phase
 *
 * Everything talks to 127.0.0.1 only; the database lives in a temporary directory that is removed
 * at the end. Figures are printed, never asserted. See bench/README.md.
 *
 *   npm run bench            (BENCH_HTTP_SECONDS=5, BENCH_CONNECTIONS=20 to change the HTTP load)
 */
import nodemailer from 'nodemailer';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Statement } from 'better-sqlite3';
import { Dispatcher, createSmtpTransport, type MailTransport, type RunResult } from '../src/core/outbox/index.js';
import type { OutboxRow, RenderedEmail } from '../src/core/outbox/types.js';
import { SEED_HUBS } from '../src/seed/seed.js';
import { REG_EMAIL } from '../src/modules/registrations/service.js';
import { PRIVACY_VERSION, type RegistrationInput } from '../src/modules/registrations/validate.js';
import { Child } from './child.js';
import type { LoadRequest, LoadResult } from './http-load.js';
import { setupKairos, type BenchKairos } from './kairos.js';
import type { SinkStats } from './smtp-sink.js';
import { cpuPercent, mb, num, nowMs, quantile, ratio, Samples, table } from './stats.js';
import { createEmailKinds } from '../src/email-kinds.js';

// ------------------------------------------------------------------------------------- settings

const envInt = (name: string, def: number, min: number, max: number) => {
  const n = Number(process.env[name]);
  return Number.isInteger(n) && n >= min && n <= max ? n : def;
};
const HTTP_SECONDS = envInt('BENCH_HTTP_SECONDS', 5, 1, 60);
const HTTP_WARMUP_MS = 1_000;
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 20, 1, 500);
const SQL_N = 2_000;
const SQL_WARMUP = 200;
const MAIL_N = 1_000;
const MAIL_WARMUP = 50;
/** Same pool as src/email/transport.ts createSmtpTransport, and the dispatcher's default concurrency. */
const POOL = { maxConnections: 5, maxMessages: 100 };
const MAIL_IN_FLIGHT = 5;
/** The whole run must end well inside this; past it the run is stopped. */
const HARD_LIMIT_MS = 240_000;

// ------------------------------------------------------------------------------------- output

const out = (line = '') => process.stdout.write(line + '\n');
const t0 = nowMs();

interface Summary {
  area: string;
  path: string;
  kairos: string;
  baseline: string;
  ratio: string;
}
const summary: Summary[] = [];
const memory: string[][] = [['after', 'RSS', 'heap used', 'heap total', 'external']];

function recordMemory(label: string): void {
  const m = process.memoryUsage();
  memory.push([label, mb(m.rss), mb(m.heapUsed), mb(m.heapTotal), mb(m.external)]);
  out(`   memory after ${label}: RSS ${mb(m.rss)}, heap used ${mb(m.heapUsed)}`);
}

function machineLine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  const mhz = cpus[0]?.speed ? ` @ ${cpus[0].speed} MHz` : '';
  const load = os.loadavg().map((l) => num(l, 2)).join(' ');
  return `Machine: ${model}${mhz}, ${cpus.length} cores (available parallelism ${os.availableParallelism()}), ${mb(os.totalmem())} RAM, Node ${process.version}, ${process.platform} ${process.arch}; load average ${load}`;
}

// ------------------------------------------------------------------------------------- 1. HTTP

interface HttpTarget {
  label: string;
  /** Name in the summary. */
  short: string;
  port: number;
  path: string;
}

async function check(target: HttpTarget): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${target.port}${target.path}`);
  const body = await res.arrayBuffer();
  const type = (res.headers.get('content-type') ?? '?').split(';')[0];
  return `${res.status} ${type}, ${num(body.byteLength, 0)} B body`;
}

async function httpPhase(k: BenchKairos): Promise<void> {
  out(`1. HTTP: ${CONNECTIONS} keep-alive connections, ${HTTP_SECONDS} s per target after a ${HTTP_WARMUP_MS / 1000} s warm-up`);
  out('   (load generator in a separate process on raw sockets; server in this process)');
  const listen = async (app: FastifyInstance) => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const addr = app.server.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  };

  const bare = Fastify({ logger: false });
  bare.get('/ping', () => Promise.resolve({ pong: true }));
  const barePort = await listen(bare);
  const kairosPort = await listen(await k.app());
  const devPort = await listen(await k.app({ development: true }));
  const id = k.webinarId;

  const targets: HttpTarget[] = [
    { label: 'bare Fastify GET /ping', short: 'GET /ping', port: barePort, path: '/ping' },
    { label: `GET /sessions/${id} (HTML page, as served: Eta cache on)`, short: 'GET /sessions/:id page', port: kairosPort, path: `/sessions/${id}` },
    { label: `GET /sessions/${id} (HTML page, NODE_ENV=development: Eta cache off)`, short: 'GET /sessions/:id page (development)', port: devPort, path: `/sessions/${id}` },
    { label: `GET /api/v1/sessions/${id} (JSON)`, short: 'GET /api/v1/sessions/:id', port: kairosPort, path: `/api/v1/sessions/${id}` },
    { label: `GET /sessions/${id}/calendar.ics`, short: 'GET /sessions/:id/calendar.ics', port: kairosPort, path: `/sessions/${id}/calendar.ics` },
  ];

  const loader = Child.start('./http-load.ts');
  const results: { target: HttpTarget; r: LoadResult; serverCpu: number }[] = [];
  try {
    for (const target of targets) {
      out(`   ${target.label}: ${await check(target)}`);
      const req: LoadRequest = { type: 'run', port: target.port, path: target.path, connections: CONNECTIONS, durationMs: HTTP_SECONDS * 1000, warmupMs: HTTP_WARMUP_MS };
      const measuring = loader.next('measuring', HTTP_WARMUP_MS + 30_000);
      loader.send(req);
      await measuring;
      const cpu = process.cpuUsage();
      const started = nowMs();
      const r = await loader.next<LoadResult>('result', HTTP_SECONDS * 1000 + 30_000);
      results.push({ target, r, serverCpu: cpuPercent(cpu, nowMs() - started) });
    }
  } finally {
    await loader.stop();
    await bare.close();
  }

  out();
  out(
    table([
      ['target', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'errors', 'B/resp', 'server CPU', 'loader CPU'],
      ...results.map(({ target, r, serverCpu }) => [
        target.label,
        num(r.rps, 0),
        num(r.p50Ms, 2),
        num(r.p90Ms, 2),
        num(r.p99Ms, 2),
        num(r.maxMs, 1),
        `${r.non2xx + r.socketErrors}`,
        num(r.bytesPerResponse, 0),
        `${num(serverCpu, 0)}%`,
        `${num(r.loaderCpu, 0)}%`,
      ]),
    ]),
  );
  const base = results.at(0)!.r;
  for (const { target, r } of results.slice(1)) {
    summary.push({
      area: 'HTTP',
      path: `${target.short} vs bare /ping`,
      kairos: `${num(r.rps, 0)} req/s`,
      baseline: `${num(base.rps, 0)} req/s`,
      ratio: ratio(r.rps, base.rps),
    });
  }
}

// ------------------------------------------------------------------------------------- 2. SQLite

/** A registration as a person would send it, spread over the nine hubs' countries, languages and zones. */
function registrationInput(i: number, prefix: string, hubIds: number[]): RegistrationInput {
  const h = SEED_HUBS.at(i % SEED_HUBS.length)!;
  return {
    name: `Participant ${prefix}${i}`,
    email: `${prefix}${i}@bench.example.org`,
    organisation: 'Municipality of Example',
    orgType: 'public',
    hubId: hubIds[i % hubIds.length],
    country: h.countryCode,
    language: h.language,
    zone: h.zone,
    consent: true,
    followupConsent: i % 2 === 0,
  };
}

interface OpStats {
  n: number;
  ms: number;
  opsPerSec: number;
  meanUs: number;
  p50Us: number;
  p99Us: number;
}

function timeOps(n: number, op: (i: number) => void): OpStats {
  const samples = new Samples();
  const start = nowMs();
  for (let i = 0; i < n; i++) {
    const s = nowMs();
    op(i);
    samples.push((nowMs() - s) * 1000);
  }
  const ms = nowMs() - start;
  const sorted = samples.sorted();
  return { n, ms, opsPerSec: (n / ms) * 1000, meanUs: (ms * 1000) / n, p50Us: quantile(sorted, 0.5), p99Us: quantile(sorted, 0.99) };
}

function sqlitePhase(k: BenchKairos): void {
  const { db, services, clock } = k;
  out(`2. SQLite: N=${num(SQL_N, 0)} registrations each (after ${SQL_WARMUP} warm-up), one transaction per registration`);
  out(`   journal_mode=${String(db.pragma('journal_mode', { simple: true }))}, synchronous=${String(db.pragma('synchronous', { simple: true }))} (1 = NORMAL), file in ${k.dir}`);
  const hubIds = SEED_HUBS.map((h) => services.repos.hubs.getBySlug(h.slug)!.id);
  const rawSession = k.openSession('Benchmark: raw inserts');
  const regSession = k.openSession('Benchmark: registrations');

  // Baseline: the same INSERT the repository prepares, with every parameter computed beforehand.
  const insert: Statement = db.prepare(
    `INSERT INTO registrations (session_id, status, name, email, email_norm, organisation, org_type, hub_id, country, language, zone,
       consent_version, consent_at, followup_consent, followup_consent_at, answers, token_nonce, token_hash, email_verified_at,
       hold_until, waitlisted_at, confirmed_at, source, created_at, updated_at)
     VALUES (@sessionId, @status, @name, @email, @emailNorm, @organisation, @orgType, @hubId, @country, @language, @zone,
       @consentVersion, @now, @followupConsent, @followupConsentAt, @answers, @tokenNonce, @tokenHash, @emailVerifiedAt,
       @holdUntil, @waitlistedAt, @confirmedAt, @source, @now, @now)`,
  );
  const insertOne = db.transaction((p: Record<string, unknown>) => insert.run(p));
  const now = clock.now();
  const rawRow = (i: number, prefix: string) => {
    const input = registrationInput(i, prefix, hubIds);
    return {
      sessionId: rawSession.id,
      status: 'confirmed',
      name: input.name,
      email: input.email,
      emailNorm: String(input.email).toLowerCase(),
      organisation: input.organisation,
      orgType: input.orgType,
      hubId: input.hubId,
      country: input.country,
      language: input.language,
      zone: input.zone,
      consentVersion: PRIVACY_VERSION,
      now,
      followupConsent: input.followupConsent ? 1 : 0,
      followupConsentAt: input.followupConsent ? now : null,
      answers: '{}',
      tokenNonce: `nonce-${prefix}${i}`,
      tokenHash: createHash('sha256').update(`${prefix}:${i}`).digest('hex'),
      emailVerifiedAt: now,
      holdUntil: null,
      waitlistedAt: null,
      confirmedAt: now,
      source: 'api',
    };
  };
  const warmRaw = Array.from({ length: SQL_WARMUP }, (_, i) => rawRow(i, 'warm'));
  const rawRows = Array.from({ length: SQL_N }, (_, i) => rawRow(i, 'raw'));
  for (const p of warmRaw) insertOne.immediate(p);
  const raw = timeOps(SQL_N, (i) => insertOne.immediate(rawRows.at(i)!));

  // Kairos: validation, the IMMEDIATE transaction, the confirmation email and its reminders in the outbox.
  const warmInputs = Array.from({ length: SQL_WARMUP }, (_, i) => registrationInput(i, 'warm', hubIds));
  const inputs = Array.from({ length: SQL_N }, (_, i) => registrationInput(i, 'reg', hubIds));
  const count = (table: 'registrations' | 'outbox') => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  for (const input of warmInputs) services.registrations.register(regSession.id, input, 'api');
  const before = { reg: count('registrations'), outbox: count('outbox') };
  let notConfirmed = 0;
  const kairos = timeOps(SQL_N, (i) => {
    if (services.registrations.register(regSession.id, inputs.at(i)!, 'api').outcome !== 'confirmed') notConfirmed++;
  });
  const outboxPerOp = (count('outbox') - before.outbox) / SQL_N;
  const regsPerOp = (count('registrations') - before.reg) / SQL_N;

  out();
  out(
    table([
      ['operation', 'ops/s', 'µs/op', 'p50 µs', 'p99 µs', 'total ms', 'rows written/op'],
      ['raw INSERT registration (own IMMEDIATE transaction)', num(raw.opsPerSec, 0), num(raw.meanUs, 1), num(raw.p50Us, 1), num(raw.p99Us, 1), num(raw.ms, 0), '1'],
      [
        "RegistrationService.register(id, input, 'api')",
        num(kairos.opsPerSec, 0),
        num(kairos.meanUs, 1),
        num(kairos.p50Us, 1),
        num(kairos.p99Us, 1),
        num(kairos.ms, 0),
        `${num(regsPerOp, 0)} + ${num(outboxPerOp, 0)} outbox`,
      ],
    ]),
  );
  if (notConfirmed) out(`   note: ${notConfirmed} registrations did not come out 'confirmed'`);
  summary.push({
    area: 'SQLite',
    path: 'register() vs raw INSERT',
    kairos: `${num(kairos.opsPerSec, 0)} ops/s`,
    baseline: `${num(raw.opsPerSec, 0)} ops/s`,
    ratio: ratio(kairos.opsPerSec, raw.opsPerSec),
  });
}

// ------------------------------------------------------------------------------------- 3. Email

async function sinkStats(sink: Child): Promise<SinkStats> {
  const reply = sink.next<SinkStats>('stats', 10_000);
  sink.send({ type: 'stats' });
  return reply;
}

async function mailPhase(k: BenchKairos): Promise<void> {
  const { db, config, clock } = k;
  out(`3. Email: N=${num(MAIL_N, 0)} messages each (after ${MAIL_WARMUP} warm-up), pooled SMTP (${POOL.maxConnections} connections, ${POOL.maxMessages} messages each), ${MAIL_IN_FLIGHT} in flight`);
  out('   (SMTP sink: smtp-server in a separate process on 127.0.0.1, counts and discards)');
  const sink = Child.start('./smtp-sink.ts');
  try {
    const { port } = await sink.next<{ port: number }>('ready', 15_000);
    const url = `smtp://127.0.0.1:${port}`;

    // One real Kairos email, rendered once: the baseline sends these same bytes, only the Message-ID changes.
    const emailKinds = createEmailKinds();
    const row = db.prepare(`SELECT * FROM outbox WHERE kind = ? AND status = 'queued' ORDER BY id DESC LIMIT 1`).get(REG_EMAIL.confirmed) as OutboxRow | undefined;
    if (!row) throw new Error('no queued confirmation email to render (did the SQLite phase run?)');
    const rendered = await emailKinds.get(row.kind)!({ row, payload: JSON.parse(row.payload), db, config, clock });
    if ('withdraw' in rendered) throw new Error(`the sample email was withdrawn: ${rendered.withdraw}`);
    const message = (i: number, r: RenderedEmail) => ({
      from: config.mailFrom,
      to: { name: row.recipient_name, address: row.recipient_email },
      subject: r.subject,
      text: r.text,
      html: r.html,
      messageId: `<bench-${i}@kairos.test>`,
      date: new Date(clock.now()),
      headers: { ...r.headers, 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
      icalEvent: r.icalEvent,
      disableFileAccess: true,
      disableUrlAccess: true,
    });

    // Baseline: nodemailer's pooled SMTP transport, nothing else.
    const raw = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, pool: true, ...POOL, logger: false, debug: false });
    const sendMany = async (from: number, n: number) => {
      let next = from;
      const worker = async () => {
        while (next < from + n) await raw.sendMail(message(next++, rendered));
      };
      await Promise.all(Array.from({ length: MAIL_IN_FLIGHT }, worker));
    };
    let baseline: { ms: number; received: number; bytes: number; senderCpu: number; sinkCpu: number };
    try {
      await sendMany(0, MAIL_WARMUP);
      const s0 = await sinkStats(sink);
      const cpu = process.cpuUsage();
      const start = nowMs();
      await sendMany(MAIL_WARMUP, MAIL_N);
      const ms = nowMs() - start;
      const senderCpu = cpuPercent(cpu, ms);
      const s1 = await sinkStats(sink);
      baseline = { ms, received: s1.messages - s0.messages, bytes: s1.bytes - s0.bytes, senderCpu, sinkCpu: ((s1.cpuMicros - s0.cpuMicros) / 1000 / ms) * 100 };
    } finally {
      raw.close();
    }

    // Kairos: the outbox dispatcher (claim a batch with a lease, render each row, send, record), run
    // back to back as its loop does while batches come back full.
    const transport: MailTransport = createSmtpTransport(url, POOL);
    const dispatcher = new Dispatcher({ registry: emailKinds, db, clock, config, transport, concurrency: MAIL_IN_FLIGHT });
    const totals: RunResult = { claimed: 0, sent: 0, failed: 0, retried: 0, expired: 0, withdrawn: 0, released: 0, paused: false };
    let kairos: { ms: number; received: number; bytes: number; runs: number; senderCpu: number; sinkCpu: number };
    try {
      let warm = 0;
      while (warm < MAIL_WARMUP) {
        const r = await dispatcher.runOnce();
        if (r.claimed === 0) break;
        warm += r.claimed;
      }
      const s0 = await sinkStats(sink);
      const cpu = process.cpuUsage();
      const start = nowMs();
      let runs = 0;
      while (totals.claimed < MAIL_N) {
        const r = await dispatcher.runOnce();
        runs++;
        if (r.claimed === 0 || r.paused) break;
        for (const key of ['claimed', 'sent', 'failed', 'retried', 'expired', 'withdrawn', 'released'] as const) totals[key] += r[key];
      }
      const ms = nowMs() - start;
      const senderCpu = cpuPercent(cpu, ms);
      const s1 = await sinkStats(sink);
      kairos = { ms, received: s1.messages - s0.messages, bytes: s1.bytes - s0.bytes, runs, senderCpu, sinkCpu: ((s1.cpuMicros - s0.cpuMicros) / 1000 / ms) * 100 };
    } finally {
      await dispatcher.stop();
      transport.close();
    }

    const rawRate = (baseline.received / baseline.ms) * 1000;
    const kRate = (kairos.received / kairos.ms) * 1000;
    out();
    out(
      table([
        ['sender', 'messages/s', 'ms/message', 'received', 'B/message', 'total ms', 'sender CPU', 'sink CPU'],
        [
          'raw nodemailer sendMail (same rendered email)',
          num(rawRate, 0),
          num(baseline.ms / baseline.received, 3),
          num(baseline.received, 0),
          num(baseline.bytes / baseline.received, 0),
          num(baseline.ms, 0),
          `${num(baseline.senderCpu, 0)}%`,
          `${num(baseline.sinkCpu, 0)}%`,
        ],
        [
          `Kairos Dispatcher.runOnce × ${kairos.runs} (batch 50)`,
          num(kRate, 0),
          num(kairos.ms / kairos.received, 3),
          num(kairos.received, 0),
          num(kairos.bytes / kairos.received, 0),
          num(kairos.ms, 0),
          `${num(kairos.senderCpu, 0)}%`,
          `${num(kairos.sinkCpu, 0)}%`,
        ],
      ]),
    );
    out(`   dispatcher outcomes: sent ${totals.sent}, failed ${totals.failed}, retried ${totals.retried}, expired ${totals.expired}, withdrawn ${totals.withdrawn}, released ${totals.released}`);
    summary.push({
      area: 'Email',
      path: 'Dispatcher drain vs raw sendMail',
      kairos: `${num(kRate, 0)} msg/s`,
      baseline: `${num(rawRate, 0)} msg/s`,
      ratio: ratio(kRate, rawRate),
    });
  } finally {
    await sink.stop();
  }
}

// ------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  out(machineLine());
  out(`Kairos benchmark (npm run bench), ${new Date().toISOString()}`);
  const [load1 = 0] = os.loadavg();
  if (load1 > os.cpus().length / 2) {
    out(`Warning: the machine is busy (1-minute load ${num(load1, 2)} on ${os.cpus().length} cores): figures will be low and noisy.`);
  }
  out(`Load: HTTP ${CONNECTIONS} connections × ${HTTP_SECONDS} s per target; SQLite N=${num(SQL_N, 0)}; email N=${num(MAIL_N, 0)}; everything on 127.0.0.1`);
  out();

  const k = await setupKairos();
  tempDir = k.dir;
  try {
    recordMemory('setup (migrated, seeded)');
    out();
    await httpPhase(k);
    recordMemory('HTTP');
    out();
    sqlitePhase(k);
    recordMemory('SQLite');
    out();
    await mailPhase(k);
    recordMemory('email');
  } finally {
    await k.close();
  }

  out();
  out('4. Memory (this process: servers, app, database; the load generator and SMTP sink run in their own processes)');
  out(table(memory));
  out();
  out('Summary: Kairos / baseline (throughput; 1× would be the machine limit for that kind of work)');
  out(
    table([['area', 'hot path', 'Kairos', 'baseline', 'Kairos / baseline'], ...summary.map((s) => [s.area, s.path, s.kairos, s.baseline, s.ratio])], 2),
  );
  out();
  out(`Done in ${num((nowMs() - t0) / 1000, 1)} s.`);
}

/** Removed by the watchdog if the run hangs (children leave on their own when this process exits). */
let tempDir: string | undefined;

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${HARD_LIMIT_MS / 1000} s, giving up`);
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(1);
}, HARD_LIMIT_MS);
watchdog.unref();

main().then(
  () => {
    clearTimeout(watchdog);
    process.exitCode = 0;
  },
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
