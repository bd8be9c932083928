/**
 * An unusable DATABASE_PATH ends the start of the server, the worker and the scripts with one line
 * naming the variable and the reason, exit code 1: no stack trace, no half-started server.
 *
 * Not covered here: a read-only folder or file. The tests run as root, for whom permission bits do
 * not stop writing; the check (fs.accessSync W_OK) is there for everyone else.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../src/core/boot.js';
import { ConfigError, loadConfig, ROOT } from '../src/core/config.js';
import { must } from './helpers/must.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kairos-start-'));
  writeFileSync(path.join(dir, 'a-file'), 'not a folder');
  writeFileSync(path.join(dir, 'notes.sqlite'), 'These are notes, not an SQLite database.\n'.repeat(200));
  mkdirSync(path.join(dir, 'a-folder.sqlite'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function start(entry: string, databasePath: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: databasePath, PORT: '0', LOG_LEVEL: 'silent', PUBLIC_URL: 'http://kairos.test', SMTP_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    // A server that started after all would never exit: stop it so that the assertion below shows it.
    const guard = setTimeout(() => child.kill('SIGKILL'), 50_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

const cases: [string, () => string, RegExp][] = [
  ['a missing folder', () => path.join(dir, 'missing', 'kairos.sqlite'), /does not exist/],
  ['a folder that is a file', () => path.join(dir, 'a-file', 'kairos.sqlite'), /is not a folder/],
  ['a folder instead of a file', () => path.join(dir, 'a-folder.sqlite'), /is a folder, not a database file/],
  ['a file that is not a database', () => path.join(dir, 'notes.sqlite'), /cannot be used as the database/],
];

describe('an unusable DATABASE_PATH', () => {
  it.each(cases)('is refused with the variable and the reason on one line: %s', (_name, file, reason) => {
    let err: unknown;
    try {
      openMigrated(loadConfig({ DATABASE_PATH: file() }, '/nonexistent/.env')).db.close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe('DATABASE_PATH');
    const message = (err as Error).message;
    expect(message).toContain('DATABASE_PATH');
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });

  it('leaves a missing folder missing (a mistyped path does not start an empty database)', () => {
    expect(() => openMigrated(loadConfig({ DATABASE_PATH: path.join(dir, 'missing', 'kairos.sqlite') }, '/nonexistent/.env'))).toThrow(ConfigError);
    expect(existsSync(path.join(dir, 'missing'))).toBe(false);
  });

  // The entry points as processes (started together: each start compiles the app).
  it('stops the server, the worker and npm run db:migrate with one line on stderr and exit code 1', async () => {
    const runs = await Promise.all([
      start('src/server.ts', path.join(dir, 'a-file', 'kairos.sqlite')),
      start('src/worker.ts', path.join(dir, 'missing', 'kairos.sqlite')),
      start('src/scripts/migrate.ts', path.join(dir, 'notes.sqlite')),
    ]);
    const reasons = [/is not a folder/, /does not exist/, /cannot be used as the database/];
    runs.forEach((r, i) => {
      const lines = r.stderr.trim().split('\n');
      expect(r.code, r.stderr).toBe(1);
      expect(lines, r.stderr).toHaveLength(1);
      expect(lines[0]).toContain('DATABASE_PATH');
      expect(lines[0]).toMatch(must(reasons[i], `reason ${i}`));
    });
    expect(must(runs[0], 'the first run').stdout).not.toContain('Kairos is running');
  });
});
