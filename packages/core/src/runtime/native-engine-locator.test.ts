import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES_DIR_ENV_VAR, engineInstallFolderName, locateInstalledEngine } from './native-engine-locator.js';

/** Lays out `<root>/.engines/tfjs-node/node_modules/@tensorflow/tfjs-node` as `pnpm setup:tensorflow` does. */
function installFake(enginesDir: string, packageName: string): string {
  const packageDir = path.join(enginesDir, engineInstallFolderName(packageName), 'node_modules', ...packageName.split('/'));
  fs.mkdirSync(packageDir, { recursive: true });
  fs.writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify({ name: packageName, main: 'dist/index.js' }));
  fs.mkdirSync(path.join(packageDir, 'dist'));
  fs.writeFileSync(path.join(packageDir, 'dist', 'index.js'), 'module.exports = {};\n');
  return path.join(packageDir, 'dist', 'index.js');
}

describe('locateInstalledEngine', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'maria-engines-'));
  });
  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('finds .engines/<name> above a start folder, and nothing where it is absent', () => {
    const entry = installFake(path.join(root, '.engines'), '@tensorflow/tfjs-node');
    const deep = path.join(root, 'apps', 'cli', 'src');
    fs.mkdirSync(deep, { recursive: true });
    expect(locateInstalledEngine('@tensorflow/tfjs-node', { env: {}, searchFrom: [deep] })).toBe(fs.realpathSync(entry));
    expect(locateInstalledEngine('@tensorflow/tfjs-node-gpu', { env: {}, searchFrom: [deep] })).toBeUndefined();
    expect(locateInstalledEngine('@tensorflow/tfjs-node', { env: {}, searchFrom: [os.tmpdir()] })).toBeUndefined();
  });

  it('MARIA_ENGINES_DIR names the folder and replaces the search', () => {
    const elsewhere = path.join(root, 'engines-elsewhere');
    const entry = installFake(elsewhere, '@tensorflow/tfjs-node');
    installFake(path.join(root, '.engines'), '@tensorflow/tfjs-node-gpu');
    const env = { [ENGINES_DIR_ENV_VAR]: elsewhere };
    expect(locateInstalledEngine('@tensorflow/tfjs-node', { env, searchFrom: [root] })).toBe(fs.realpathSync(entry));
    expect(locateInstalledEngine('@tensorflow/tfjs-node-gpu', { env, searchFrom: [root] })).toBeUndefined();
  });
});
