#!/usr/bin/env node
/**
 * `pnpm test`: the static checks (one type-check of the whole workspace, one lint run, the
 * dependency rule, `changeset status`, then build + publint through turbo) run one after another in a second lane while vitest runs the
 * suite in the first. vitest uses one worker on a 2-core machine (its default is cores − 1),
 * so the checks take the otherwise idle core instead of delaying the first test by minutes.
 * Check output is buffered and printed when each check ends; a failed check or a failed test
 * makes the command fail. The last line is the suite's count, e.g. `tests: 1204 passed, 0 failed`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const extraVitestArguments = process.argv.slice(2);

/** Runs one command; resolves with its exit code, and its output when `capture` is set. */
function run(command, args, { capture }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: process.env });
    let output = '';
    if (capture) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    child.on('error', (error) => resolve({ code: 127, output: `${output}${error.message}\n` }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

const CHECKS = [
  ['type-check', 'tsc', ['-p', 'tsconfig.json']],
  ['lint', 'eslint', ['--max-warnings=0', 'packages', 'apps', 'examples']],
  ['dependency rule', 'depcruise', ['packages', 'apps', 'examples', '--config', '.dependency-cruiser.cjs', '--output-type', 'err']],
  // Every changeset must be releasable: changesets refuses one that names both an ignored
  // package (the apps, the private packages) and a published one.
  ['changesets', 'changeset', ['status']],
  ['build + publint', 'turbo', ['run', 'publint', '--output-logs=errors-only']],
];

async function checksLane() {
  const failed = [];
  for (const [name, command, args] of CHECKS) {
    const started = Date.now();
    const { code, output } = await run(command, args, { capture: true });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`\n[check] ${name}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${seconds} s\n`);
    if (code !== 0) {
      process.stdout.write(output.endsWith('\n') ? output : `${output}\n`);
      failed.push(name);
    }
  }
  return failed;
}

async function testLane() {
  const scratch = mkdtempSync(path.join(tmpdir(), 'maria-test-'));
  const report = path.join(scratch, 'vitest.json');
  try {
    const { code } = await run('vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraVitestArguments], { capture: false });
    let counts;
    try {
      const json = JSON.parse(readFileSync(report, 'utf8'));
      counts = { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
    } catch {
      counts = undefined;
    }
    return { code, counts };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const started = Date.now();
const [failedChecks, tests] = await Promise.all([checksLane(), testLane()]);
const minutes = ((Date.now() - started) / 60000).toFixed(1);
if (failedChecks.length > 0) process.stdout.write(`\nfailed checks: ${failedChecks.join(', ')}\n`);
process.stdout.write(`\nchecks and tests took ${minutes} min\n`);
if (tests.counts) {
  const { passed, failed, skipped } = tests.counts;
  process.stdout.write(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}\n`);
}
process.exitCode = failedChecks.length > 0 || tests.code !== 0 ? 1 : 0;
