#!/usr/bin/env node
// `npm test`: every step runs, whatever the one before it did; the exit code reflects them all.
//   1. type check   2. lint (ESLint, `npm run lint`)   3. module boundaries (dependency-cruiser,
//   `npm run deps`)   4. vitest under host TZ=UTC   5. the time-sensitive suites again under
//   TZ=Pacific/Auckland   6. browser journeys in headless Chromium (once)
// Ends with each failed test named, then one line "tests: N passed, N failed, N skipped" summed
// over the vitest runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SECOND_ZONE_SUITES = [
  'tests/core/time', 'tests/core/calendar', 'tests/modules/sessions/organiser.test.ts', 'tests/modules/sessions/calendar-routes.test.ts', 'tests/modules/sessions/clock-change.test.ts', 'tests/modules/sessions/repeat.test.ts', 'tests/modules/api', 'tests/modules/organisers', 'tests/core/render', 'tests/seed', 'tests/modules/registrations/flow.test.ts', 'tests/modules/registrations/invites', 'tests/modules/registrations/reminders', 'tests/modules/agenda', 'tests/modules/calls',
];

const tmp = mkdtempSync(path.join(tmpdir(), 'kairos-test-run-'));
const bin = (name) => path.join('node_modules', '.bin', name);

const steps = [
  { name: 'type check', cmd: bin('tsc'), args: ['--noEmit', '-p', '.'] },
  { name: 'lint', cmd: bin('eslint'), args: ['.'] },
  { name: 'module boundaries', cmd: bin('depcruise'), args: ['src', '--config', '.dependency-cruiser.cjs'] },
  { name: 'vitest (TZ=UTC)', cmd: bin('vitest'), args: ['run'], env: { TZ: 'UTC' }, vitest: true },
  { name: 'vitest (TZ=Pacific/Auckland)', cmd: bin('vitest'), args: ['run', ...SECOND_ZONE_SUITES], env: { TZ: 'Pacific/Auckland' }, vitest: true },
  { name: 'browser journeys', cmd: bin('vitest'), args: ['run', '--config', 'vitest.e2e.config.ts'], env: { TZ: 'UTC' }, vitest: true },
];

const totals = { passed: 0, failed: 0, skipped: 0 };
const results = [];
const failures = []; // each failed test, named in the summary so the last lines of a run say what broke
for (const [i, step] of steps.entries()) {
  const json = path.join(tmp, `step-${i}.json`);
  const args = step.vitest ? [...step.args, '--reporter=default', '--reporter=json', `--outputFile.json=${json}`] : step.args;
  console.log(`\n=== ${step.name} ===`);
  const started = Date.now();
  const run = spawnSync(step.cmd, args, { stdio: 'inherit', env: { ...process.env, ...(step.env ?? {}) } });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  let counts = '';
  if (step.vitest && existsSync(json)) {
    const r = JSON.parse(readFileSync(json, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + r.numTodoTests;
    counts = ` (${r.numPassedTests} passed, ${r.numFailedTests} failed)`;
    for (const file of r.testResults ?? []) {
      const where = path.relative(process.cwd(), file.name);
      for (const t of file.assertionResults ?? []) {
        if (t.status !== 'failed') continue;
        const why = String(t.failureMessages?.[0] ?? '').split('\n').slice(0, 3).join(' | ').slice(0, 400);
        failures.push(`${step.name}: ${where} > ${t.fullName}\n    ${why}`);
      }
      if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) {
        failures.push(`${step.name}: ${where} did not run: ${String(file.message ?? '').split('\n')[0].slice(0, 400)}`);
      }
    }
  } else if (step.vitest) {
    totals.failed += 1; // the runner itself did not finish
  }
  const ok = run.status === 0;
  if (!ok && !step.vitest) totals.failed += 1;
  results.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name}${counts} in ${seconds} s`);
}
rmSync(tmp, { recursive: true, force: true });

console.log('\n=== summary ===');
for (const line of results) console.log(line);
if (failures.length > 0) {
  console.log('failed:');
  for (const line of failures) console.log(`  ${line}`);
}
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(results.some((l) => l.startsWith('FAIL')) ? 1 : 0);
