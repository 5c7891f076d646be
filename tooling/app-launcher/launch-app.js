import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Runs an app's entry point from its committed launcher (`apps/<app>/bin/<command>.js`, the
 * file its package.json `bin` names). `launcherUrl` is the launcher's `import.meta.url`.
 *
 * A built app (`dist/bin.js` beside `bin/`) runs as compiled JavaScript. In a clone that was
 * installed but never built, the app's `src/bin.ts` runs instead, in this same process: tsx
 * compiles the TypeScript, and a resolve hook adds the `@maria-ts/source` export condition so
 * the workspace packages load from their sources too (what `tsx --conditions=@maria-ts/source`
 * does, without a second process or a package-manager hop). The bin therefore exists from the
 * moment `pnpm install` links it, which is why install prints no "Failed to create bin".
 */
export async function launchApp(launcherUrl) {
  const built = new URL('../dist/bin.js', launcherUrl);
  if (existsSync(fileURLToPath(built))) {
    await import(built.href);
    return;
  }
  const source = new URL('../src/bin.ts', launcherUrl);
  if (!existsSync(fileURLToPath(source))) {
    process.stderr.write(`error: neither ${fileURLToPath(built)} nor ${fileURLToPath(source)} exists\n`);
    process.exitCode = 1;
    return;
  }
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  // Registered after tsx, so it resolves first and hands tsx the widened conditions.
  register('./source-condition-hooks.js', import.meta.url);
  await import(source.href);
}
