import { afterEach, describe, expect, it } from 'vitest';
import { createThreadPoolSwitch, findLoadedGlobalAddress, hasThreadPoolSwitch, installThreadPoolSwitch, resolveThreadPoolPolicy, withThreadPool } from './thread-pool-switch.js';
import { name, section, signedLeb, unsignedLeb } from './wasm-assembly.js';

const body = (code: number[]) => [...unsignedLeb(code.length), ...code];

/**
 * A real wasm module shaped like the threaded binary where it matters: an imported function and
 * an imported shared memory before the local functions, and an exported `get_threads_count`
 * whose body starts `i32.const base; i32.load offset`.
 */
function moduleBytes(options: { base: number; offset: number; firstOp?: number; exportName?: string }): Uint8Array<ArrayBuffer> {
  const getter = [0x01, 0x01, 0x7f, options.firstOp ?? 0x41, ...signedLeb(options.base), 0x28, 0x02, ...unsignedLeb(options.offset), 0x0b];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x00, 0x01, 0x7f]),
    ...section(2, [0x02, ...name('env'), ...name('now'), 0x00, 0x00, ...name('env'), ...name('memory'), 0x02, 0x03, 0x01, 0x01]),
    ...section(3, [0x02, 0x00, 0x00]),
    ...section(7, [0x01, ...name(options.exportName ?? 'get_threads_count'), 0x00, 0x02]),
    ...section(10, [0x02, ...body([0x00, 0x41, 0x00, 0x0b]), ...body(getter)]),
  ]);
}

describe('findLoadedGlobalAddress', () => {
  it('reads the address the exported getter loads first, past imported functions and locals', () => {
    const bytes = moduleBytes({ base: 23_560, offset: 4 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(findLoadedGlobalAddress(bytes)).toBe(23_564);
    expect(findLoadedGlobalAddress(moduleBytes({ base: 64, offset: 0 }))).toBe(64);
  });

  it('finds nothing when the export is missing, the body starts otherwise, or the bytes are not wasm', () => {
    expect(findLoadedGlobalAddress(moduleBytes({ base: 64, offset: 0, exportName: 'other' }))).toBeUndefined();
    const notConst = moduleBytes({ base: 64, offset: 0, firstOp: 0x42 });
    expect(findLoadedGlobalAddress(notConst)).toBeUndefined();
    expect(findLoadedGlobalAddress(new Uint8Array([1, 2, 3]))).toBeUndefined();
    expect(findLoadedGlobalAddress(new TextEncoder().encode('not a wasm module at all'))).toBeUndefined();
  });
});

describe('createThreadPoolSwitch', () => {
  afterEach(() => installThreadPoolSwitch(undefined));

  /** A stand-in for the binary: memory holding the pool pointer, and the getter reading it. */
  function fakeModule(pointer: number) {
    const memory = new WebAssembly.Memory({ initial: 1 });
    new Int32Array(memory.buffer)[16] = pointer;
    const getThreadsCount = () => (new Int32Array(memory.buffer)[16] === 0 ? -1 : 2);
    return { memory, getThreadsCount, slot: () => new Int32Array(memory.buffer)[16] };
  }

  it('switches the pointer off and back, and withThreadPool turns it on only around its callback (nesting too)', () => {
    const fake = fakeModule(93_632);
    const poolSwitch = createThreadPoolSwitch(moduleBytes({ base: 60, offset: 4 }), fake.memory, fake.getThreadsCount, 2);
    expect(poolSwitch).toBeDefined();
    installThreadPoolSwitch(poolSwitch);
    expect(hasThreadPoolSwitch()).toBe(true);
    expect(fake.slot()).toBe(0);
    const seen = withThreadPool(() => [fake.slot(), withThreadPool(() => fake.slot()), fake.slot()]);
    expect(seen).toEqual([93_632, 93_632, 93_632]);
    expect(fake.slot()).toBe(0);
    expect(() => withThreadPool(() => { throw new Error('op failed'); })).toThrow('op failed');
    expect(fake.slot()).toBe(0);
    // Removing the switch puts the pointer back (the binary's teardown destroys its pool).
    installThreadPoolSwitch(undefined);
    expect(hasThreadPoolSwitch()).toBe(false);
    expect(fake.slot()).toBe(93_632);
    expect(withThreadPool(() => fake.slot())).toBe(93_632);
  });

  it('gives no switch when the slot does not behave like the pool global', () => {
    const empty = fakeModule(0);
    expect(createThreadPoolSwitch(moduleBytes({ base: 60, offset: 4 }), empty.memory, empty.getThreadsCount, 2)).toBeUndefined();
    const fake = fakeModule(93_632);
    // Another address: zeroing it does not make the getter report "no pool".
    expect(createThreadPoolSwitch(moduleBytes({ base: 128, offset: 0 }), fake.memory, fake.getThreadsCount, 2)).toBeUndefined();
    expect(createThreadPoolSwitch(moduleBytes({ base: 60, offset: 4 }), fake.memory, fake.getThreadsCount, 4)).toBeUndefined();
    expect(fake.slot()).toBe(93_632);
  });
});

describe('resolveThreadPoolPolicy', () => {
  it('takes the option over MARIA_THREAD_POOL, defaults to large, and rejects anything else', () => {
    expect(resolveThreadPoolPolicy(undefined, {})).toBe('large');
    expect(resolveThreadPoolPolicy(undefined, { MARIA_THREAD_POOL: 'all' })).toBe('all');
    expect(resolveThreadPoolPolicy('large', { MARIA_THREAD_POOL: 'all' })).toBe('large');
    expect(() => resolveThreadPoolPolicy('some', {})).toThrow(/threadPool/);
    expect(() => resolveThreadPoolPolicy(undefined, { MARIA_THREAD_POOL: 'half' })).toThrow(/MARIA_THREAD_POOL/);
  });
});
