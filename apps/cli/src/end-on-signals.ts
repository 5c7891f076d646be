/** The signals after which `maria` must end, whatever it is waiting for. */
const ENDING_SIGNALS = ['SIGTERM', 'SIGHUP', 'SIGINT'] as const;

/**
 * Makes SIGTERM, SIGHUP and SIGINT end the process with the signal's own default action
 * (exit status 128 + n), even when a thread is stuck: a handler that calls `process.exit`
 * (as tsx installs in the processes it runs) waits in exit for every libuv worker thread,
 * and one blocked forever (an `open` of a named pipe) made `maria forward` ignore SIGTERM and
 * Ctrl-C. Each signal's listeners are removed, which restores the default disposition, and
 * the signal is raised again. A first SIGINT while a command listens for it too (generate,
 * infill: `runInterruptible` stops the decoder between steps) is left to that command; a
 * second one ends the process.
 */
export function endOnSignals(): void {
  let interruptedOnce = false;
  for (const signal of ENDING_SIGNALS) {
    process.on(signal, () => {
      if (signal === 'SIGINT' && !interruptedOnce && process.listenerCount('SIGINT') > 1) {
        interruptedOnce = true;
        return;
      }
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    });
  }
}
