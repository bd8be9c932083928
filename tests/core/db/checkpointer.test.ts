/**
 * The checkpointing thread (src/core/db/checkpointer.ts) on a real SQLite file: started by heavy
 * writes, it brings the pages committed on the request connection into the database file without that
 * connection checkpointing; light writes start no thread; a quiet thread ends and comes back with the
 * next burst; stopping gives the connection its own checkpoints back; a thread that cannot open the
 * file is reported once and not started again.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTOCHECKPOINT_PAGES, startCheckpointer, WAL_LIMIT_PAGES, type Checkpointer, type CheckpointerOptions } from '../../../src/core/db/checkpointer.js';
import { openDatabase, type DB } from '../../../src/core/db/open.js';

let dir: string;
let file: string;
let db: DB;
let checkpointer: Checkpointer | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kairos-checkpointer-'));
  file = path.join(dir, 'kairos.sqlite');
  db = openDatabase(file);
  db.exec('CREATE TABLE pages (id INTEGER PRIMARY KEY, body BLOB NOT NULL)');
  db.pragma('wal_checkpoint(TRUNCATE)');
});

afterEach(async () => {
  await checkpointer?.stop();
  checkpointer = undefined;
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fileBytes = () => statSync(file).size;
const autocheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Quick to react, for the test's sake: a burst is any write seen within 20 ms. */
const QUICK: CheckpointerOptions = { watchEveryMs: 20, busyChanges: 1, minMs: 10 };

/** 20 commits of 30 rows of 1 KB (about 160 pages in all: far below either checkpoint threshold), with a pause between commits. */
async function commitPages(): Promise<number> {
  const insert = db.prepare('INSERT INTO pages (body) VALUES (?)');
  const batch = db.transaction(() => {
    for (let i = 0; i < 30; i++) insert.run(randomBytes(1024));
  });
  for (let c = 0; c < 20; c++) {
    batch();
    await sleep(5);
  }
  return 20 * 30 * 1024;
}

describe('the checkpointing thread', () => {
  it('a burst of commits starts the thread, which copies the pages into the file while the connection never checkpoints itself', async () => {
    checkpointer = startCheckpointer(db, QUICK);
    expect(checkpointer.running).toBe(false);
    const before = fileBytes();
    const written = await commitPages();
    expect(checkpointer.running).toBe(true);
    // The connection's own threshold is only a cap while the thread runs.
    expect(autocheckpoint()).toBe(WAL_LIMIT_PAGES);
    await expect.poll(fileBytes, { timeout: 15_000, interval: 25 }).toBeGreaterThan(before + written);
    // Another connection reads every row from the file as it is now.
    const reader = openDatabase(file);
    try {
      expect(reader.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(600);
    } finally {
      reader.close();
    }
  });

  it('without it, the same commits stay in the log: the file does not grow', async () => {
    const before = fileBytes();
    await commitPages();
    await sleep(300);
    expect(fileBytes()).toBe(before);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
  });

  it('light writes start no thread', async () => {
    checkpointer = startCheckpointer(db, { ...QUICK, busyChanges: 10_000 });
    const before = fileBytes();
    await commitPages();
    await sleep(300);
    expect(checkpointer.running).toBe(false);
    expect(fileBytes()).toBe(before);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
  });

  it('a thread with nothing to copy ends by itself, and the next burst starts one again', async () => {
    checkpointer = startCheckpointer(db, { ...QUICK, idleMs: 500 });
    await commitPages();
    expect(checkpointer.running).toBe(true);
    await expect.poll(() => checkpointer!.running, { timeout: 15_000, interval: 25 }).toBe(false);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    const before = fileBytes();
    await commitPages();
    expect(checkpointer.running).toBe(true);
    await expect.poll(fileBytes, { timeout: 15_000, interval: 25 }).toBeGreaterThan(before);
  });

  it('stop() ends the thread and gives the connection its own checkpoints back; a second stop() is harmless', async () => {
    checkpointer = startCheckpointer(db, QUICK);
    await commitPages();
    expect(checkpointer.running).toBe(true);
    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    // Nothing copies the pages any more, and nothing starts again.
    const before = fileBytes();
    await commitPages();
    await sleep(300);
    expect(checkpointer.running).toBe(false);
    expect(fileBytes()).toBe(before);
    await checkpointer.stop();
    // The connection is as usable as before.
    expect(db.prepare('SELECT count(*) FROM pages').pluck().get()).toBe(1200);
  });

  it('a thread that cannot open the file is reported once, is not started again, and the connection checkpoints itself', async () => {
    // The connection keeps its open file; the name the thread would open no longer exists.
    renameSync(file, `${file}.moved`);
    const errors: Error[] = [];
    checkpointer = startCheckpointer(db, { ...QUICK, onError: (err) => errors.push(err) });
    await commitPages();
    await expect.poll(() => errors.length, { timeout: 15_000, interval: 25 }).toBe(1);
    expect(errors[0]!.message).toMatch(/^the checkpointing thread stopped: .*unable to open database file/);
    expect(checkpointer.running).toBe(false);
    expect(autocheckpoint()).toBe(DEFAULT_AUTOCHECKPOINT_PAGES);
    await commitPages();
    await sleep(200);
    expect(checkpointer.running).toBe(false);
    expect(errors).toHaveLength(1);
    renameSync(`${file}.moved`, file);
  });

  it('does nothing for a database in memory', async () => {
    const memory = openDatabase(':memory:');
    try {
      const none = startCheckpointer(memory);
      expect(none.running).toBe(false);
      await none.stop();
    } finally {
      memory.close();
    }
  });
});
