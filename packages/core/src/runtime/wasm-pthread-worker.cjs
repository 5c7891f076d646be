// One emscripten pthread of @tensorflow/tfjs-backend-wasm's threaded SIMD binary, as a
// Node `worker_threads` script. The main thread (wasm-threads.ts) points emscripten's
// `locateFile('*.worker.js')` here, because the package only ships its pthread worker as a
// string (`wasm-out/tfjs-backend-wasm-threaded-simd.worker.js` exports
// `wasmWorkerContents`) and its bundle hands that string to Node as a `blob:` URL, which
// Node's Worker refuses.
//
// This file runs that exact string, so the message protocol always matches the factory of
// the installed version. It wraps the string the way Node wraps a CommonJS file
// (`require`, `__filename`), which is the environment emscripten's Node pthread code
// expects. The main script the worker then loads is the unbundled factory in `wasm-out/`, a
// real file whose `require(...)` calls work as they are (the bundle's `toString()` copy
// refers to renamed names such as `require$$0` that do not exist here).
'use strict';

const path = require('node:path');
const vm = require('node:vm');

const workerContentsPath = require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.worker.js');
const factoryPath = path.join(path.dirname(workerContentsPath), 'tfjs-backend-wasm-threaded-simd.js');
const { wasmWorkerContents } = require(workerContentsPath);
if (typeof wasmWorkerContents !== 'string') {
  throw new Error(`${workerContentsPath} does not export the pthread worker source (wasmWorkerContents)`);
}

// The string is minified JavaScript whose only line breaks sit inside string literals (the
// package's template literal turned their `\n` escapes into real newlines); restore them.
const source = wasmWorkerContents.replace(/\n/g, '\\n');
const runWorker = vm.runInThisContext(`(function (require, __filename) {${source}\n})`, {
  filename: workerContentsPath,
});
runWorker(require, factoryPath);
