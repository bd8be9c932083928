/**
 * The files and texts must not depend on the host's TZ: the same inputs give byte-identical
 * output in this process, in this process with TZ changed, and in child processes started
 * with TZ=Pacific/Auckland and TZ=America/St_Johns (a half-hour offset).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import * as calendar from '../../../src/core/calendar/index.js';
import type { CalendarEvent } from '../../../src/core/calendar/index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODULE = pathToFileURL(fileURLToPath(new URL('../../../src/core/calendar/index.ts', import.meta.url))).href;

const organizer = { name: 'EDIH Cyprus', email: 'hub-cy@kairos.example' };
const events: CalendarEvent[] = [
  // Late evening in Nicosia the night the clocks go back (2023-10-29 04:00 → 03:00 local).
  { uid: 'a@kairos.example', sequence: 0, startMs: Date.UTC(2023, 9, 28, 20, 30), endMs: Date.UTC(2023, 9, 29, 2, 0), zone: 'Asia/Nicosia', title: 'Νυχτερινή συνεδρία', description: 'x', url: 'https://meet.example/a', status: 'CONFIRMED', organizer, language: 'el' },
  // Canary Islands in winter (UTC+0), the day after the change.
  { uid: 'b@kairos.example', sequence: 4, startMs: Date.UTC(2024, 9, 28, 9), endMs: Date.UTC(2024, 9, 28, 10), zone: 'Atlantic/Canary', title: 'Sesión', description: '', status: 'TENTATIVE', organizer, language: 'es', createdMs: Date.UTC(2024, 0, 1), lastModifiedMs: Date.UTC(2024, 5, 1) },
  { uid: 'c@kairos.example', sequence: 2, startMs: Date.UTC(2026, 2, 29, 0, 30), endMs: Date.UTC(2026, 2, 29, 1, 30), zone: 'Europe/Madrid', title: 'Cancelled', description: '', status: 'CANCELLED', organizer },
];
const input = { events, attendee: { name: 'Jonas', email: 'jonas@example.lt' }, stampMs: Date.UTC(2023, 0, 2, 3, 4, 5) };

/** Runs with `m` (the calendar module) and `input` in scope, here and in the child processes. */
const SCENARIO = `
  const active = input.events.filter((e) => e.status !== 'CANCELLED');
  return {
    invites: active.map((e) => m.buildInvite(e, input.attendee, { method: 'REQUEST', stampMs: input.stampMs })),
    cancels: input.events.map((e) => m.buildInvite({ ...e, sequence: e.sequence + 1 }, input.attendee, { method: 'CANCEL', stampMs: input.stampMs })),
    feed: m.buildPublicCalendar(input.events, { name: 'Feed', stampMs: input.stampMs, method: 'PUBLISH' }),
    plainFeed: m.buildPublicCalendar(input.events, { name: 'Feed', stampMs: input.stampMs }),
    google: input.events.map((e) => m.googleCalendarLink(e)),
    outlook: input.events.map((e) => m.outlookCalendarLink(e)),
    plain: input.events.map((e) => m.plainTextWhen(e, 'America/St_Johns', e.language ?? 'en')),
    hostOffset: new Date(Date.UTC(2023, 6, 1)).getTimezoneOffset(),
  };
`;

type Output = Record<string, unknown> & { hostOffset: number };
const asyncPrototype = Object.getPrototypeOf(async () => {}) as { constructor: new (...args: string[]) => (m: unknown, i: unknown) => Promise<Output> };
const AsyncFunction = asyncPrototype.constructor;
const scenario = new AsyncFunction('m', 'input', SCENARIO);

async function inChild(tz: string): Promise<Output> {
  const code = `const m = await import(${JSON.stringify(MODULE)}); const input = JSON.parse(process.env.KAIROS_INPUT);
    const run = async (m, input) => { ${SCENARIO} }; process.stdout.write(JSON.stringify(await run(m, input)));`;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: ROOT,
    env: { ...process.env, TZ: tz, KAIROS_INPUT: JSON.stringify(input) },
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Output;
}

const { hostOffset: _here, ...expected } = await scenario(calendar, input);

describe('output does not depend on the host TZ', () => {
  const original = process.env.TZ;
  afterEach(() => {
    if (original === undefined) delete process.env.TZ;
    else process.env.TZ = original;
  });

  it('is identical in this process after changing TZ', async () => {
    for (const tz of ['Pacific/Auckland', 'America/St_Johns', 'Asia/Kathmandu']) {
      process.env.TZ = tz;
      const { hostOffset, ...out } = await scenario(calendar, input);
      expect(hostOffset, `TZ=${tz} took effect`).not.toBe(0);
      expect(out, tz).toEqual(expected);
    }
  });

  it('is identical in child processes started with TZ=Pacific/Auckland and TZ=America/St_Johns', async () => {
    const [auckland, stJohns] = await Promise.all([inChild('Pacific/Auckland'), inChild('America/St_Johns')]);
    expect(auckland.hostOffset).toBe(-720); // NZST, UTC+12, in July
    expect(stJohns.hostOffset).toBe(150); // NDT, UTC−02:30, in July
    const { hostOffset: _a, ...a } = auckland;
    const { hostOffset: _s, ...s } = stJohns;
    expect(a).toEqual(expected);
    expect(s).toEqual(expected);
  });
});
