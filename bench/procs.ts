/**
 * The processes of a benchmark run: the built Kairos server and the baselines as children, the
 * build check, the probe that waits for a first 200, resident memory, and the clean-up that stops
 * every child and removes the temporary directory, also on an error or Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { nowMs } from './stats.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ------------------------------------------------------------------------------ clean-up

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

/** Every child process started by the run is stopped at the end, whatever happens. */
export function track(proc: ChildProcess): ChildProcess {
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  return proc;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

/** Kills what is still running (SIGKILL: no child holds anything worth keeping) and removes the temporary directories. */
export function cleanUp(): void {
  for (const p of children) {
    try {
      p.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  children.clear();
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  tempDirs.clear();
}

// ------------------------------------------------------------------------------ build

export const SERVER_JS = path.join(ROOT, 'dist', 'bundle', 'server.mjs');

/** Builds as `npm start` does (`npm run build`: tsc -b, then the bundle when its sources changed). Returns what was done. */
export function buildIfStale(): string {
  const t0 = nowMs();
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the build (npm run build) failed with code ${r.status}`);
  const said = r.stdout.trim();
  return `${said || 'dist/ is current, not rebuilt'} (npm run build: ${((nowMs() - t0) / 1000).toFixed(1)} s)`;
}

// ------------------------------------------------------------------------------ servers

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = a && typeof a === 'object' ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface Fetched {
  status: number;
  type: string;
  /** Bytes of the body as sent (compressed when the answer says so). */
  bytes: number;
  /** The Content-Encoding the answer was sent in, if any. */
  coding: string | undefined;
  /** The body as text, unpacked. */
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request on a fresh connection (no keep-alive), the whole body read (and unpacked when compressed). */
export function request(port: number, p: string, opts: { method?: string; body?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method: opts.method ?? 'GET',
        agent: false,
        headers: { ...opts.headers, ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}) },
        timeout: opts.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const b = Buffer.concat(chunks);
          const coding = res.headers['content-encoding'];
          const text = coding === 'gzip' ? zlib.gunzipSync(b) : coding === 'br' ? zlib.brotliDecompressSync(b) : b;
          resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? '?').split(';')[0] ?? '?', bytes: b.length, coding, body: text.toString(), headers: res.headers });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout on ${p}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export interface Server {
  name: string;
  proc: ChildProcess;
  port: number;
  log: string;
  /** Spawn → first 200 of the probe path, ms. */
  startMs: number;
}

/**
 * Starts `node <args>` with `env` (added to a copy of this environment without NODE_ENV and
 * LOG_LEVEL and REQUEST_LOG, so the app chooses as under `npm start`), output to a log file, and waits for a 200
 * on `probe`. The time from spawn to that 200 is the cold start.
 */
export async function startServer(name: string, args: string[], env: Record<string, string>, probe: string, logDir: string, timeoutMs = 60_000): Promise<Server> {
  const port = await freePort();
  const log = path.join(logDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
  const fd = openSync(log, 'a');
  const base: NodeJS.ProcessEnv = { ...process.env };
  delete base.NODE_ENV;
  delete base.LOG_LEVEL;
  delete base.REQUEST_LOG;
  delete base.NODE_OPTIONS;
  const t0 = nowMs();
  const proc = track(spawn(process.execPath, args, { cwd: ROOT, env: { ...base, ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', fd, fd] }));
  closeSync(fd);
  let exited: string | undefined;
  proc.once('exit', (code, signal) => {
    exited = `exited (code ${code}, signal ${signal})`;
  });
  for (;;) {
    if (exited) throw new Error(`${name} ${exited} before answering; its output:\n${tail(log)}`);
    if (nowMs() - t0 > timeoutMs) throw new Error(`${name}: no 200 on ${probe} after ${timeoutMs} ms; its output:\n${tail(log)}`);
    try {
      const r = await request(port, probe, { timeoutMs: 5_000 });
      if (r.status === 200) return { name, proc, port, log, startMs: nowMs() - t0 };
    } catch {
      /* not listening yet */
    }
    await sleep(5);
  }
}

/** SIGTERM, then waits for the exit (SIGKILL after 25 s). */
export async function stopServer(s: Server): Promise<void> {
  const p = s.proc;
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  p.kill('SIGTERM');
  const timer = setTimeout(() => p.kill('SIGKILL'), 25_000);
  await exited;
  clearTimeout(timer);
}

export function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

/** Resident set size of a process in bytes (Linux /proc), NaN elsewhere. */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU time (user + system) a process has used so far, ms (Linux /proc), NaN elsewhere. */
export function cpuMsOf(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(1)?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
