export interface LauncherRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs an app's committed launcher in a fresh Node process; never rejects on a non-zero exit. */
export function runLauncher(launcherUrl: URL, args: readonly string[], options?: { readonly cwd?: string; readonly timeoutMs?: number }): Promise<LauncherRun>;

/** The `version` of the package.json beside the launcher's `bin/` folder. */
export function launcherPackageVersion(launcherUrl: URL): string;
