/**
 * @maria-ts/cli-kit: what the command-line apps (`maria`, `maria-train`, `maria-serve`,
 * `maria-bench`) share and a library user never needs: `runMain` (one-line errors, exit code 2
 * for bad arguments and 1 for failures, JSON errors with `--json`), `runCommandLine`, number and
 * list flag parsing, the `--engine`/`--threads` and `--data-dir` flags.
 */
export { ARGUMENT_ERROR_CODES, formatErrorLine, runMain } from './run-main.js';
export { runCommandLine, type CommandTree } from './run-command-line.js';
export { parseNumberList } from './parse-list.js';
export { integerOption, numberOption, parseOneNumber, type NumberOptionBounds } from './number-option.js';
export { ENGINE_OPTION, THREADS_OPTION } from './engine-options.js';
export { DATA_DIR_OPTION, DATA_DIR_VARIABLE, requireDataPath, resolveDataDir, type DataDefault } from './data-dir.js';
