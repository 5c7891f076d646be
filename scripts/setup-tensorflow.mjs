#!/usr/bin/env node
// @ts-check
/**
 * `pnpm setup:tensorflow`: installs the optional native TensorFlow engine
 * (`@tensorflow/tfjs-node`) into the git-ignored `.engines/tfjs-node`, outside the frozen
 * lockfile, where `@maria-ts/core`'s engine loader finds it (`native-engine-locator.ts`).
 *
 * 1. npm installs the package there with its install script off, and points its
 *    `@tensorflow/tfjs` and `@tensorflow/tfjs-core` at the workspace's copies, so one tfjs
 *    runs in the process (no kernel registered twice).
 * 2. tfjs-node's own install script runs (it downloads libtensorflow 2.9.1 and a prebuilt
 *    binding); where that works, done.
 * 3. Where it cannot download, the binding is compiled against the TensorFlow C API of the
 *    `tensorflow-cpu` wheel from pip (its `libtensorflow_cc.so.2` exports `TF_*`/`TFE_*`
 *    and it ships the headers).
 * 4. A child process loads the engine and runs an op; only then is it marked installed.
 *
 * Idempotent: when the marker matches and the probe passes it returns in seconds. It never
 * fails the install: where no route works it prints one line saying why and exits 0, and
 * MARIA keeps running on wasm. `--force` redoes everything.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ENGINES_DIR = path.join(ROOT, '.engines');
const INSTALL_DIR = path.join(ENGINES_DIR, 'tfjs-node');
const PACKAGE_NAME = '@tensorflow/tfjs-node';
const PACKAGE_DIR = path.join(INSTALL_DIR, 'node_modules', ...PACKAGE_NAME.split('/'));
const MARKER = path.join(INSTALL_DIR, 'maria-engine.json');
const WHEEL_DIR = path.join(ENGINES_DIR, 'tensorflow-wheel');
/** The pip requirement whose shared library provides the TensorFlow C API for the local build. */
const TENSORFLOW_WHEEL = process.env.MARIA_TENSORFLOW_WHEEL ?? 'tensorflow-cpu==2.21.0';
/** node-pre-gyp's highest N-API version that tfjs-node 4.22 lists (`binary.napi_versions`). */
const NAPI_BUILD_VERSION = 8;
const PREFIX = 'setup:tensorflow:';
const started = Date.now();
const force = process.argv.includes('--force');

/** @param {string} message */
function say(message) {
  process.stdout.write(`${PREFIX} ${message}\n`);
}

function elapsed() {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** Thrown when a route cannot install the engine; its message is the one-line reason. */
class RouteFailed extends Error {}

/**
 * Runs a command, returning its output; throws `RouteFailed` with the last line of its
 * output when it fails or runs past `timeoutMs`.
 * @param {string} what
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, timeoutMs?: number, env?: NodeJS.ProcessEnv }} [options]
 */
function run(what, command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 600_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) {
    const output = `${result.stderr ?? ''}\n${result.stdout ?? ''}`
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !/^npm (notice|warn)/i.test(line));
    const detail = result.error
      ? (/** @type {NodeJS.ErrnoException} */ (result.error).code === 'ETIMEDOUT' ? `timed out after ${Math.round((options.timeoutMs ?? 600_000) / 1000)} s` : result.error.message)
      : (output.find((line) => /^\w*Error:|ENOTFOUND|EAI_AGAIN|ECONN|ETIMEDOUT/.test(line)) ??
        output.find((line) => /error|ERR!|fail|denied|not found/i.test(line) && !/^throw\b/.test(line)) ??
        output.at(-1) ??
        `exit ${result.status}`);
    throw new RouteFailed(`${what} failed: ${detail.slice(0, 300)}`);
  }
  return result.stdout ?? '';
}

/** The version of `@tensorflow/tfjs` the workspace resolves; tfjs-node must match it. */
function workspaceTfjs() {
  const require = createRequire(path.join(ROOT, 'packages', 'core', 'package.json'));
  const tfjsDir = path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
  const tfjsRequire = createRequire(path.join(tfjsDir, 'package.json'));
  const coreDir = path.dirname(tfjsRequire.resolve('@tensorflow/tfjs-core/package.json'));
  const version = JSON.parse(fs.readFileSync(path.join(tfjsDir, 'package.json'), 'utf8')).version;
  return { version: String(version), tfjsDir: fs.realpathSync(tfjsDir), coreDir: fs.realpathSync(coreDir) };
}

/**
 * Loads the installed engine in a child process and runs one op on it.
 * @returns {{ ok: true, detail: string } | { ok: false, reason: string }}
 */
function probe() {
  if (!fs.existsSync(PACKAGE_DIR)) return { ok: false, reason: `${PACKAGE_NAME} is not in .engines` };
  const code = [
    `const tf = require(${JSON.stringify(PACKAGE_DIR)});`,
    `if (tf.getBackend() !== 'tensorflow') throw new Error('backend ' + tf.getBackend());`,
    `const sum = tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync();`,
    `if (sum[0] !== 4 || sum[1] !== 6) throw new Error('1+3, 2+4 gave ' + Array.from(sum));`,
    `process.stdout.write('the tensorflow backend runs');`,
  ].join('\n');
  const result = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (result.status === 0) return { ok: true, detail: result.stdout.trim() };
  const lines = `${result.stderr ?? ''}`.split('\n').map((line) => line.trim()).filter(Boolean);
  const reason = lines.find((line) => /Error|error:/.test(line)) ?? lines.at(-1) ?? result.error?.message ?? `exit ${result.status}`;
  return { ok: false, reason: `loading it failed: ${reason.slice(0, 300)}` };
}

/** @param {string} method */
function writeMarker(method, version) {
  fs.writeFileSync(MARKER, `${JSON.stringify({ package: PACKAGE_NAME, version, method, installedAt: new Date().toISOString() }, null, 2)}\n`);
}

/** @returns {{ version: string, method: string } | undefined} */
function readMarker() {
  try {
    return JSON.parse(fs.readFileSync(MARKER, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Replaces a dependency folder of the engine install with a link to the workspace's copy.
 * @param {string} name
 * @param {string} target
 */
function linkToWorkspace(name, target) {
  const where = path.join(INSTALL_DIR, 'node_modules', ...name.split('/'));
  fs.rmSync(where, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(where), { recursive: true });
  fs.symlinkSync(target, where, 'dir');
}

/** Step 1: the package and its JavaScript dependencies, scripts off. */
function installPackage(version, tfjs) {
  fs.mkdirSync(INSTALL_DIR, { recursive: true });
  const manifest = { name: 'maria-engine-tfjs-node', private: true, description: 'Written by scripts/setup-tensorflow.mjs; git-ignored.', dependencies: { [PACKAGE_NAME]: version } };
  fs.writeFileSync(path.join(INSTALL_DIR, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  say(`npm install ${PACKAGE_NAME}@${version} into .engines/tfjs-node (install script off)`);
  run('npm install', 'npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error'], { cwd: INSTALL_DIR, timeoutMs: 600_000 });
  linkToWorkspace('@tensorflow/tfjs', tfjs.tfjsDir);
  linkToWorkspace('@tensorflow/tfjs-core', tfjs.coreDir);
}

/** Step 2: tfjs-node's own install (downloads libtensorflow and a prebuilt binding). */
function downloadRoute() {
  say('trying the package\'s own download of libtensorflow');
  run('the libtensorflow download', process.execPath, ['scripts/install.js'], { cwd: PACKAGE_DIR, timeoutMs: 300_000 });
}

/** The folder of the `tensorflow` Python package holding the TensorFlow C API library. */
function installWheel() {
  const library = path.join(WHEEL_DIR, 'tensorflow', 'libtensorflow_cc.so.2');
  if (fs.existsSync(library) && !force) return path.dirname(library);
  const python = ['python3', 'python'].find((name) => spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0);
  if (!python) throw new RouteFailed('no python3 to fetch the TensorFlow wheel with');
  say(`pip install --no-deps ${TENSORFLOW_WHEEL} into .engines/tensorflow-wheel`);
  fs.rmSync(WHEEL_DIR, { recursive: true, force: true });
  run('pip install', python, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--retries', '0', '--timeout', '30', '--target', WHEEL_DIR, TENSORFLOW_WHEEL], { timeoutMs: 900_000 });
  // Ask Python where the package landed rather than assuming the wheel's layout.
  const found = run('locating the wheel', python, ['-c', 'import importlib.util, sys; sys.path.insert(0, sys.argv[1]); print(importlib.util.find_spec("tensorflow").submodule_search_locations[0])', WHEEL_DIR]).trim();
  if (!fs.existsSync(path.join(found, 'libtensorflow_cc.so.2'))) throw new RouteFailed(`the wheel at ${found} has no libtensorflow_cc.so.2`);
  return found;
}

/** node-gyp: the copy bundled with npm when there is one, else from the npm registry. */
function nodeGyp() {
  const npmPrefix = spawnSync('npm', ['prefix', '-g'], { encoding: 'utf8' }).stdout?.trim();
  const bundled = npmPrefix ? path.join(npmPrefix, 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js') : '';
  return bundled && fs.existsSync(bundled) ? { command: process.execPath, args: [bundled] } : { command: 'npx', args: ['-y', 'node-gyp'] };
}

/** Step 3: compile the binding against the wheel's TensorFlow C API. */
function wheelRoute() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new RouteFailed(`no local build route on ${process.platform}-${process.arch}`);
  const wheel = installWheel();
  const include = path.join(wheel, 'include');
  if (!fs.existsSync(path.join(include, 'tensorflow', 'c', 'eager', 'c_api.h'))) throw new RouteFailed(`the wheel at ${wheel} ships no TensorFlow C API headers`);
  const deps = path.join(PACKAGE_DIR, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  fs.symlinkSync(include, path.join(deps, 'include'), 'dir');
  const cc = path.join(wheel, 'libtensorflow_cc.so.2');
  const framework = path.join(wheel, 'libtensorflow_framework.so.2');
  // The binding links -ltensorflow -ltensorflow_framework and loads the .so.2 names at run time.
  for (const [name, target] of [
    ['libtensorflow.so', cc],
    ['libtensorflow.so.2', cc],
    ['libtensorflow_cc.so.2', cc],
    ['libtensorflow_framework.so', framework],
    ['libtensorflow_framework.so.2', framework],
  ]) {
    fs.symlinkSync(target, path.join(deps, 'lib', name));
  }
  const gyp = nodeGyp();
  const nodePrefix = path.dirname(path.dirname(process.execPath));
  const nodedir = fs.existsSync(path.join(nodePrefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodePrefix}`] : [];
  const modulePath = `lib/napi-v${NAPI_BUILD_VERSION}`;
  say(`compiling the binding against ${path.relative(ROOT, wheel)} (a few minutes)`);
  run(
    'node-gyp rebuild',
    gyp.command,
    [...gyp.args, 'rebuild', ...nodedir, '-j', 'max', `--napi_build_version=${NAPI_BUILD_VERSION}`, '--module_name=tfjs_binding', `--module_path=${modulePath}`],
    { cwd: PACKAGE_DIR, timeoutMs: 1_200_000 },
  );
  fs.mkdirSync(path.join(PACKAGE_DIR, modulePath), { recursive: true });
  fs.copyFileSync(path.join(PACKAGE_DIR, 'build', 'Release', 'tfjs_binding.node'), path.join(PACKAGE_DIR, modulePath, 'tfjs_binding.node'));
}

/** @param {string} reason */
function unavailable(reason) {
  say(`the tensorflow engine is unavailable (${reason}); MARIA runs on wasm (${elapsed()})`);
  process.exit(0);
}

function main() {
  if (process.env.MARIA_SKIP_TENSORFLOW_SETUP === '1') unavailable('MARIA_SKIP_TENSORFLOW_SETUP=1');
  let tfjs;
  try {
    tfjs = workspaceTfjs();
  } catch (error) {
    unavailable(`@tensorflow/tfjs is not installed in the workspace: run pnpm install first (${/** @type {Error} */ (error).message.split('\n')[0]})`);
    return;
  }
  const marker = readMarker();
  if (!force && marker?.version === tfjs.version) {
    const check = probe();
    if (check.ok) {
      say(`ready: ${PACKAGE_NAME}@${marker.version} (${marker.method}), ${check.detail} (${elapsed()})`);
      return;
    }
    say(`the installed engine no longer loads (${check.reason}); reinstalling`);
  }
  fs.rmSync(MARKER, { force: true });
  const failures = [];
  try {
    installPackage(tfjs.version, tfjs);
  } catch (error) {
    unavailable(/** @type {Error} */ (error).message);
  }
  for (const [method, route] of /** @type {const} */ ([
    ['download', downloadRoute],
    ['local TensorFlow wheel', wheelRoute],
  ])) {
    try {
      route();
      const check = probe();
      if (!check.ok) throw new RouteFailed(check.reason);
      writeMarker(method, tfjs.version);
      say(`ready: ${PACKAGE_NAME}@${tfjs.version} (${method}), ${check.detail} (${elapsed()})`);
      return;
    } catch (error) {
      if (!(error instanceof RouteFailed)) throw error;
      failures.push(`${method}: ${error.message}`);
      say(`${method} route did not work: ${error.message}`);
    }
  }
  unavailable(failures.join('; '));
}

try {
  main();
} catch (error) {
  unavailable(`unexpected error: ${/** @type {Error} */ (error)?.message?.split('\n')[0] ?? String(error)}`);
}
