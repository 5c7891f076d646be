/** The `maria` command line: the program builder and the library side of each command. */
export { mariaProgram } from './program.js';
export { processOutput, type CommandOutput } from './output.js';
export { runForward, type ForwardRequest, type ForwardResult } from './forward/run-forward.js';
export { forwardJson, forwardText } from './forward/format-forward.js';
export { runBenchDecode, type BenchDecodeRequest, type BenchDecodeReport, type BenchDecodeRow } from './bench-decode/run-bench-decode.js';
