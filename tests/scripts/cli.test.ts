/**
 * The command-line scripts as an administrator meets them: --help everywhere, one clear line (and the
 * usage) for a wrong or missing option — never a stack trace — and no silent defaults for roles.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/core/config.js';

let dir: string;
let dbPath: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kairos-cli-'));
  dbPath = path.join(dir, 'kairos.sqlite');
  const seeded = await run('src/scripts/seed.ts');
  expect(seeded.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(entry: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: dbPath, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://kairos.test', SMTP_URL: '', PASSWORD_HASH_COST: '10' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve({ code, stdout, stderr });
    });
  });
}

function organisers(): { email: string; role: string }[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT email, role FROM organisers ORDER BY id').all() as { email: string; role: string }[];
  } finally {
    db.close();
  }
}

const SCRIPTS: [string, string][] = [
  ['src/scripts/organiser-create.ts', 'organiser:create'],
  ['src/scripts/token-create.ts', 'token:create'],
  ['src/scripts/migrate.ts', 'db:migrate'],
  ['src/scripts/seed.ts', 'db:seed'],
];

describe('command-line scripts', () => {
  it.each(SCRIPTS)('%s --help prints its usage and exits 0', async (entry, command) => {
    const r = await run(entry, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: npm run ${command}`);
    expect(r.stdout).toContain('--help');
    expect(r.stderr).toBe('');
  });

  it.each(SCRIPTS)('%s names an unknown option on one line, without a stack trace', async (entry) => {
    const r = await run(entry, '--colour', 'blue');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/--colour/);
    expect(r.stderr).toContain('Usage: npm run');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('organiser:create requires --role: no silent administrator', async () => {
    const before = organisers().length;
    const r = await run('src/scripts/organiser-create.ts', '--email', 'someone@hub.test');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe('--role is required');
    expect(organisers()).toHaveLength(before);
  });

  it('organiser:create lists the valid hubs when the hub is unknown or missing', async () => {
    const before = organisers().length;
    const unknown = await run('src/scripts/organiser-create.ts', '--email', 'x@hub.test', '--role', 'hub', '--hub', 'athens');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--hub: no hub "athens"');
    // Every seeded hub's slug is offered, so the administrator can copy the right one.
    for (const slug of ['gr-digigov-innohub', 'dih4society']) expect(unknown.stderr).toContain(slug);
    expect(unknown.stderr.match(/^ {2}\S+ {2,}/gm)?.length).toBe(9);
    const missing = await run('src/scripts/organiser-create.ts', '--email', 'x@hub.test', '--role', 'hub');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--hub is required with --role hub');
    expect(missing.stderr).toContain('gr-digigov-innohub');
    const adminWithHub = await run('src/scripts/organiser-create.ts', '--email', 'x@hub.test', '--role', 'admin', '--hub', 'dih4society');
    expect(adminWithHub.code).toBe(2);
    expect(organisers()).toHaveLength(before);
  });

  it('organiser:create makes exactly the organiser asked for, then a token can be made for them', async () => {
    const made = await run('src/scripts/organiser-create.ts', '--email', 'ana@dih4society.test', '--role', 'hub', '--hub', 'dih4society', '--name', 'Ana');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain('Organiser ana@dih4society.test created (hub organiser, dih4society).');
    expect(made.stdout).toMatch(/Password: \S{12,}/);
    expect(organisers().find((o) => o.email === 'ana@dih4society.test')?.role).toBe('hub');
    const again = await run('src/scripts/organiser-create.ts', '--email', 'ana@dih4society.test', '--role', 'hub', '--hub', 'dih4society');
    expect(again.code).toBe(1);
    expect(again.stderr.split('\n')[0]).toMatch(/^email: /);
    const token = await run('src/scripts/token-create.ts', '--email', 'ana@dih4society.test', '--name', 'import');
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/API token for ana@dih4society.test/);
    const nobody = await run('src/scripts/token-create.ts', '--email', 'nobody@hub.test');
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toContain('--email: no organiser nobody@hub.test');
  });
});
