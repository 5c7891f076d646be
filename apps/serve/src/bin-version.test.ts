import { launcherPackageVersion, runLauncher } from '@maria-ts/app-launcher/testing';
import { describe, expect, it } from 'vitest';

const LAUNCHER = new URL('../bin/maria-serve.js', import.meta.url);

describe('the installed maria-serve bin', () => {
  it('answers --version with the package version, before any build', async () => {
    const version = launcherPackageVersion(LAUNCHER);
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await runLauncher(LAUNCHER, ['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});
