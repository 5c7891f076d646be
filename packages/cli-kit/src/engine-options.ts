/**
 * The two engine flags every command of the apps takes, as `[flags, description]` pairs to
 * spread into commander's `.option(...)`, so their spelling and help read the same everywhere
 * (core does not depend on commander). `initEngine({engine, threads})` parses the values:
 * the flag wins over `MARIA_ENGINE` / `MARIA_THREADS`, which win over the defaults.
 */
export const ENGINE_OPTION = ['--engine <name>', 'tensor engine: auto | tensorflow | wasm | hybrid (wasm decode, TensorFlow passes) (default: $MARIA_ENGINE, else auto)'] as const;

export const THREADS_OPTION = ['--threads <n>', "wasm threads (hybrid: also TensorFlow's): a count or 'auto' (default: $MARIA_THREADS, else auto)"] as const;
