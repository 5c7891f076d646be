/** Runs the app whose committed launcher has this `import.meta.url`: dist/bin.js if built, else src/bin.ts through tsx. */
export function launchApp(launcherUrl: string): Promise<void>;
