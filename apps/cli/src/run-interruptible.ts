import { runMain } from '@maria-ts/cli-kit';

/**
 * Runs a long command (generate, infill) under core's `runMain` error contract with an
 * `AbortSignal` that Ctrl-C (SIGINT) aborts, so the decoder stops between steps and frees its
 * tensors instead of the process dying mid-step; the SIGINT listener is removed afterwards,
 * so in-process runs (tests) do not accumulate listeners.
 */
export async function runInterruptible(main: (signal: AbortSignal) => Promise<void>, options: { json?: () => boolean } = {}): Promise<void> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    await runMain(() => main(controller.signal), options);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}
