/**
 * Module resolve hook for running the workspace from TypeScript source: every resolution also
 * matches the `@maria-ts/source` export condition, under which each workspace package's
 * `exports` point at `src/*.ts` rather than the `dist/` a build would write.
 */
const SOURCE_CONDITION = '@maria-ts/source';

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes(SOURCE_CONDITION) ? context.conditions : [...context.conditions, SOURCE_CONDITION];
  return nextResolve(specifier, { ...context, conditions });
}
