import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Runs an app's committed launcher (`apps/<app>/bin/<command>.js`) in a fresh Node process,
 * as `node_modules/.bin/<command>` does, and resolves with its exit code and output instead of
 * rejecting on a non-zero exit.
 */
export function runLauncher(launcherUrl, args, options = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [fileURLToPath(launcherUrl), ...args], { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** The `version` of the package.json beside the launcher's `bin/` folder. */
export function launcherPackageVersion(launcherUrl) {
  return JSON.parse(readFileSync(new URL('../package.json', launcherUrl), 'utf8')).version;
}
