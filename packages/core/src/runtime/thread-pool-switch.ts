/**
 * Scoped use of XNNPACK's thread pool in the threaded wasm binary.
 *
 * Why: every XNNPACK operator of the threaded binary (matmuls, but also binary elementwise
 * ops and softmax) hands its work to the pthread pool, and the main thread then waits for the
 * pool's other threads to finish their share. For a large product that wait is nothing next to
 * the work saved; for the small ops of single-sequence decoding it is most of the op's cost:
 * measured here, a KV-cached decode step of the tiny AR took ~2.9 ms on one thread and
 * 4.5–5.4 ms on two, the main thread spending the difference spinning in the pool's wait.
 *
 * How: the binary keeps its pool in one C global (`pthreadpool_t threadpool`), which every
 * operator passes to XNNPACK; XNNPACK runs an operator inline on the calling thread when that
 * pointer is null. The global's address is read from the binary itself (the exported
 * `get_threads_count` begins by loading it), and checked through that same export: with the
 * slot zeroed it must report no pool (-1), restored the thread count. If anything does not
 * match, there is no switch and the pool is used for everything, as before.
 *
 * Policy (`MARIA_THREAD_POOL`): `large` (the default) keeps the pool off except around matrix
 * products of at least {@link POOL_MIN_WORK} multiply-adds (`withThreadPool`, used by core's
 * `matMul`) and a host decode step's products (`RowProduct`); `all` leaves it on for every operator.
 */
import { InvalidArgumentError } from '../errors.js';

/** Turns XNNPACK's pool on and off (null pointer ⇔ inline). */
export interface ThreadPoolSwitch {
  enable(): void;
  disable(): void;
}

/** Which operators use the pool: only large matrix products, or all. */
export type ThreadPoolPolicy = 'large' | 'all';

/** The environment variable that sets the {@link ThreadPoolPolicy}. */
export const THREAD_POOL_ENV_VAR = 'MARIA_THREAD_POOL';

/**
 * Multiply-adds from which core's `matMul` runs a product on the pool, if it also has
 * {@link POOL_MIN_ROWS} rows: prefill, scoring and training products. A host decode step's
 * products (`RowProduct`) always run on it where it exists (see there).
 */
export const POOL_MIN_WORK = 1 << 19;

/**
 * Rows (m of m × k × n) from which core's `matMul` runs a product on the pool. A batch-1
 * decode step's vocabulary projection (1 × 256 × 8192: 2.1M multiply-adds) took 1.7 ms on the
 * pool against 0.3 ms inline when it was the step's only product there: the pool's threads had
 * gone to sleep during the step's other work, and waking them cost more than the product. With
 * every product of a host step on the pool (`RowProduct`), they stay awake from one to the next.
 */
export const POOL_MIN_ROWS = 16;

let active: ThreadPoolSwitch | undefined;
let depth = 0;

/**
 * Installs (or, with `undefined`, removes) the switch of the running engine; the pool starts off.
 * A removed switch puts the pool pointer back, so the binary's own teardown sees its pool.
 */
export function installThreadPoolSwitch(poolSwitch: ThreadPoolSwitch | undefined): void {
  active?.enable();
  active = poolSwitch;
  depth = 0;
  active?.disable();
}

/** Whether a switch is installed (threaded wasm, `large` policy, the global found and checked). */
export function hasThreadPoolSwitch(): boolean {
  return active !== undefined;
}

/** Runs `fn` with the pool on (nested calls are fine); without a switch, just runs it. */
export function withThreadPool<T>(fn: () => T): T {
  const poolSwitch = active;
  if (!poolSwitch) return fn();
  if (depth++ === 0) poolSwitch.enable();
  try {
    return fn();
  } finally {
    if (--depth === 0) poolSwitch.disable();
  }
}

/** Reads the policy: the option, else the environment variable, else `large`. */
export function resolveThreadPoolPolicy(option: string | undefined, env: Readonly<Record<string, string | undefined>>): ThreadPoolPolicy {
  const raw = (option ?? env[THREAD_POOL_ENV_VAR] ?? 'large').trim().toLowerCase();
  if (raw === 'large' || raw === 'all' || raw === '') return raw === 'all' ? 'all' : 'large';
  throw new InvalidArgumentError(option !== undefined ? 'threadPool' : THREAD_POOL_ENV_VAR, raw, "'large' or 'all'");
}

/** A cursor over a wasm binary: bytes and LEB128 numbers. */
class WasmReader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.offset >= this.bytes.length;
  }
  byte(): number {
    if (this.offset >= this.bytes.length) throw new RangeError('unexpected end of the wasm binary');
    return this.bytes[this.offset++] as number;
  }
  unsigned(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = this.byte();
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return result;
      if (shift > 35) throw new RangeError('LEB128 number too long');
    }
  }
  signed32(): number {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.byte();
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 35);
    return shift < 32 && byte & 0x40 ? result | (-1 << shift) : result;
  }
  name(): string {
    const length = this.unsigned();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }
  skipLimits(): void {
    const flags = this.byte();
    this.unsigned();
    if (flags & 1) this.unsigned();
  }
}

const OP_I32_CONST = 0x41;
const OP_I32_LOAD = 0x28;

/**
 * The memory address that the exported function `exportName` loads first, when its body begins
 * `i32.const A; i32.load offset=O` (the address is A + O); otherwise `undefined`. For the
 * threaded tfjs binary and `get_threads_count`, that is the address of the pool global.
 */
export function findLoadedGlobalAddress(binary: Uint8Array, exportName = 'get_threads_count'): number | undefined {
  const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]; // "\0asm", version 1
  if (binary.length < 8 || header.some((byte, index) => binary[index] !== byte)) return undefined;
  const reader = new WasmReader(binary);
  reader.offset = 8;
  let importedFunctions = 0;
  let functionIndex: number | undefined;
  while (!reader.done) {
    const id = reader.byte();
    const size = reader.unsigned();
    const end = reader.offset + size;
    if (id === 2) {
      for (let count = reader.unsigned(); count > 0; count--) {
        reader.name();
        reader.name();
        const kind = reader.byte();
        if (kind === 0) {
          reader.unsigned();
          importedFunctions++;
        } else if (kind === 1) {
          reader.byte();
          reader.skipLimits();
        } else if (kind === 2) {
          reader.skipLimits();
        } else if (kind === 3) {
          reader.byte();
          reader.byte();
        } else {
          return undefined;
        }
      }
    } else if (id === 7) {
      for (let count = reader.unsigned(); count > 0; count--) {
        const name = reader.name();
        const kind = reader.byte();
        const index = reader.unsigned();
        if (kind === 0 && name === exportName) functionIndex = index;
      }
    } else if (id === 10) {
      if (functionIndex === undefined || functionIndex < importedFunctions) return undefined;
      const wanted = functionIndex - importedFunctions;
      const count = reader.unsigned();
      for (let body = 0; body < count; body++) {
        const bodySize = reader.unsigned();
        const bodyEnd = reader.offset + bodySize;
        if (body === wanted) {
          for (let groups = reader.unsigned(); groups > 0; groups--) {
            reader.unsigned();
            reader.byte();
          }
          if (reader.byte() !== OP_I32_CONST) return undefined;
          const base = reader.signed32();
          if (reader.byte() !== OP_I32_LOAD) return undefined;
          reader.unsigned(); // alignment
          const address = base + reader.unsigned();
          return address >= 0 ? address : undefined;
        }
        reader.offset = bodyEnd;
      }
      return undefined;
    }
    reader.offset = end;
  }
  return undefined;
}

/**
 * The switch for a started threaded module, or `undefined` when the pool global cannot be
 * found or does not behave as described above (then nothing is changed).
 */
export function createThreadPoolSwitch(binary: Uint8Array, memory: WebAssembly.Memory, getThreadsCount: () => number, threads: number): ThreadPoolSwitch | undefined {
  const address = findLoadedGlobalAddress(binary);
  if (address === undefined || address % 4 !== 0 || address + 4 > memory.buffer.byteLength) return undefined;
  const index = address / 4;
  let view = new Int32Array(memory.buffer);
  // Memory growth replaces the buffer; take a fresh view when it has.
  const slots = () => (view.buffer === memory.buffer ? view : (view = new Int32Array(memory.buffer)));
  const pool = slots()[index] as number;
  if (pool === 0 || getThreadsCount() !== threads) return undefined;
  slots()[index] = 0;
  const off = getThreadsCount();
  slots()[index] = pool;
  if (off !== -1 || getThreadsCount() !== threads) return undefined;
  return {
    enable: () => {
      slots()[index] = pool;
    },
    disable: () => {
      slots()[index] = 0;
    },
  };
}
