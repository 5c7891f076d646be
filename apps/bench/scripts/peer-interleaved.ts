// MARIA infill against the PyTorch peer, one infill at a time, alternating in one run. Every
// contender stays loaded in its own child process: ours on an engine and thread count
// (infill-server.ts) and the peer at a thread count (peer-server.py, given our head, so the same
// model). For each length all contenders fill the same request (N random ids, round(N/2) masked,
// greedy, batch 1: `maria-bench throughput`'s request), one after another in an order that
// rotates from pair to pair, with a pause after each so idle threads stop spinning before the
// next one starts. peer-compare.sh alternates whole processes minutes apart; on a machine whose
// speed drifts (single samples moving 2× between rounds) this compares like with like, and it
// compares thread counts of ours the same way.
//   PEER="python path/to/peer.py" node --conditions=@maria-ts/source --import tsx \
//     apps/bench/scripts/peer-interleaved.ts [--contenders hybrid:1,peer:1,hybrid:2,peer:2] \
//     [--lengths 64,128,256,512] [--reps 15] [--gap-ms 150] [--out runs/bench/peer-interleaved]
// A contender is engine:threads (engine wasm, hybrid, tensorflow or peer); hybrid:2@1 runs wasm on
// 2 threads and TensorFlow on 1 (TF_NUM_INTRAOP_THREADS; by default it gets the same count);
// +NAME=VALUE suffixes set environment variables for one contender (hybrid:1+MARIA_NATIVE_OPS=0:
// the hybrid engine with its sequence passes through tfjs's kernels, against plain hybrid:1).
// Reports per length each contender's median and minimum seconds, our speed over the peer's at
// the same thread count (peer seconds ÷ ours: above 1 means ours is faster), as the ratio of the
// medians and the median and range of the per-round ratios, our 2-thread seconds over our
// 1-thread seconds per engine (below 1: two threads faster), and how many greedy fills agree with
// the peer's. One near-tie decided the other way changes the context of every later fill, so the
// first disagreement (in fills from the left) is given too, with whether the peer chose a special
// id there, which our infill never fills. The JSON also names the processor it ran on.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { throughputRequest } from '@maria-ts/benchmarks';
import { initEngine } from '@maria-ts/core';
import { loadMariaOrTiny, TINY_MARIA_DIR } from '@maria-ts/model-tiny';

const { values } = parseArgs({
  options: {
    contenders: { type: 'string', default: 'hybrid:1,peer:1,hybrid:2,peer:2' },
    lengths: { type: 'string', default: '64,128,256,512' },
    reps: { type: 'string', default: '15' },
    'gap-ms': { type: 'string', default: '150' },
    out: { type: 'string', default: 'runs/bench/peer-interleaved' },
  },
});
const peerCommand = (process.env.PEER ?? '').trim().split(/\s+/).filter(Boolean);
const wantsPeer = values.contenders.split(',').some((label) => label.trim().startsWith('peer:'));
if (wantsPeer && peerCommand.length < 2) throw new Error('set PEER to "python path/to/peer.py"');
const [python = '', peerScript = ''] = peerCommand;
const reps = Number(values.reps);
const gapMs = Number(values['gap-ms']);
const here = path.dirname(fileURLToPath(import.meta.url));

interface Contender {
  readonly label: string;
  readonly engine: string;
  readonly threads: number;
  /** False where `@` (TensorFlow's own thread count) or `+NAME=VALUE` made this a variant of the engine. */
  readonly plain: boolean;
  readonly child: ChildProcessWithoutNullStreams;
  readonly next: () => Promise<Record<string, unknown>>;
  ready?: Record<string, unknown>;
}

function start(label: string): Contender {
  const [spec = '', ...assignments] = label.split('+');
  const [engine = '', threadSpec = '1'] = spec.split(':');
  const [threadText = '', intraText] = threadSpec.split('@');
  const threads = Number(threadText);
  if (!engine || !Number.isInteger(threads) || threads < 1 || (intraText !== undefined && !/^[1-9][0-9]*$/.test(intraText))) throw new Error(`--contenders: '${label}' is not engine:threads or hybrid:threads@tensorflowThreads`);
  const extra: Record<string, string> = {};
  for (const assignment of assignments) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/u.exec(assignment);
    if (!match) throw new Error(`--contenders: '${label}': '+${assignment}' is not +NAME=VALUE`);
    extra[match[1] as string] = match[2] as string;
  }
  const env = { ...process.env, ...(intraText === undefined ? {} : { TF_NUM_INTRAOP_THREADS: intraText }), ...extra };
  const child =
    engine === 'peer'
      ? spawn(python, [path.join(here, 'peer-server.py'), peerScript, '--ar', path.join(TINY_MARIA_DIR, 'ar'), '--mlm', path.join(TINY_MARIA_DIR, 'mlm'), '--head', path.join(TINY_MARIA_DIR, 'head', 'model.safetensors'), '--threads', String(threads)], { env })
      : spawn(process.execPath, [...process.execArgv, path.join(here, 'infill-server.ts'), '--engine', engine, '--threads', String(threads)], { env });
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(`[${label}] ${chunk.toString()}`));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error(`${label} exited`);
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  return { label, engine, threads, plain: intraText === undefined && assignments.length === 0, child, next };
}

// The request generator needs the model's vocabulary and special ids only: wasm, one thread.
await initEngine({ engine: 'wasm', threads: 1 });
const model = await loadMariaOrTiny(undefined);
const special = new Set<number>([model.maskTokenId, ...Object.values(model.tokenizer.specialTokens).filter((id): id is number => id !== undefined)]);
const contenders = values.contenders.split(',').map((label) => start(label.trim()));
// Start them one at a time: each start (engine, model) is CPU work that would slow the others'.
for (const contender of contenders) contender.ready = await contender.next();

const median = (samples: number[]) => [...samples].sort((a, b) => a - b)[samples.length >> 1] as number;
const round = (value: number, digits = 4) => Number(value.toFixed(digits));
const ours = contenders.filter((contender) => contender.engine !== 'peer');
const peerAt = (threads: number) => contenders.find((contender) => contender.engine === 'peer' && contender.threads === threads);
const rows = [];
for (const length of values.lengths.split(',').map(Number)) {
  const request = throughputRequest(model, length, 0.5, length);
  const line = `${JSON.stringify({ ids: request.ids, masked: request.masked })}\n`;
  const seconds = new Map<string, number[]>(contenders.map((contender) => [contender.label, []]));
  const filled = new Map<string, number[][]>(contenders.map((contender) => [contender.label, []]));
  for (let rep = 0; rep <= reps; rep++) {
    const order = contenders.map((_, k) => contenders[(k + rep) % contenders.length] as Contender);
    for (const contender of order) {
      contender.child.stdin.write(line);
      const answer = await contender.next();
      if (rep > 0) {
        seconds.get(contender.label)?.push(answer.seconds as number);
        filled.get(contender.label)?.push(answer.filled as number[]);
      }
      await sleep(gapMs);
    }
  }
  const cells = Object.fromEntries(contenders.map(({ label }) => [label, { median: round(median(seconds.get(label) ?? [])), min: round(Math.min(...(seconds.get(label) ?? []))), samples: seconds.get(label) }]));
  const versusPeer = Object.fromEntries(
    ours.flatMap((contender) => {
      const peer = peerAt(contender.threads);
      if (!peer) return [];
      const mine = seconds.get(contender.label) ?? [];
      const theirs = seconds.get(peer.label) ?? [];
      const perRound = mine.map((value, k) => (theirs[k] as number) / value);
      const agreement = (filled.get(contender.label) ?? []).map((fills, k) => {
        const peerFills = filled.get(peer.label)?.[k] ?? [];
        const first = fills.findIndex((id, j) => id !== peerFills[j]);
        return { agreeing: fills.filter((id, j) => id === peerFills[j]).length, total: fills.length, first, special: first >= 0 && special.has(peerFills[first] as number) };
      });
      const firsts = agreement.filter((a) => a.first >= 0).sort((a, b) => a.first - b.first);
      return [
        [
          contender.label,
          {
            speed: round(median(theirs) / median(mine), 3),
            perRoundMedian: round(median(perRound), 3),
            perRoundRange: [round(Math.min(...perRound), 3), round(Math.max(...perRound), 3)],
            fillsAgreeing: round(agreement.reduce((sum, a) => sum + a.agreeing, 0) / agreement.reduce((sum, a) => sum + a.total, 0), 4),
            firstDisagreement: firsts[0] ? { fill: firsts[0].first, peerChoseSpecialId: firsts[0].special } : null,
          },
        ],
      ];
    }),
  );
  const twoOverOne = Object.fromEntries(
    [...new Set(ours.map((contender) => contender.engine))].flatMap((engine) => {
      const [one, two] = [1, 2].map((threads) => ours.find((contender) => contender.engine === engine && contender.threads === threads && contender.plain));
      if (!one || !two) return [];
      const perRound = (seconds.get(two.label) ?? []).map((value, k) => value / (seconds.get(one.label)?.[k] as number));
      return [[engine, { ofMedians: round(median(seconds.get(two.label) ?? []) / median(seconds.get(one.label) ?? []), 3), perRoundMedian: round(median(perRound), 3) }]];
    }),
  );
  rows.push({ length, cells, versusPeer, twoOverOne });
  process.stderr.write(`N=${length}: ${contenders.map(({ label }) => `${label} ${cells[label]?.median} s`).join(', ')}\n`);
}
for (const contender of contenders) contender.child.stdin.end();
await Promise.all(contenders.map((contender) => (contender.child.exitCode === null ? once(contender.child, 'exit') : undefined)));

/**
 * The processor the run measured: the peer's speed against ours depends on it (MKL's products
 * were no faster than XNNPACK's on one AMD EPYC), so a run says which one it was. On Linux the
 * CPU family and model numbers from /proc/cpuinfo, which a VM's masked model name leaves out.
 */
function processor(): Record<string, unknown> {
  const cpus = os.cpus();
  const info: Record<string, unknown> = { model: cpus[0]?.model ?? 'unknown', count: cpus.length };
  try {
    const text = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
    info.family = field('cpu family');
    info.modelNumber = field('model');
    info.avx512 = /\bavx512f\b/.test(field('flags') ?? '');
  } catch {
    // not Linux: the model name is what there is
  }
  return info;
}

const report = { contenders: contenders.map(({ label, ready }) => ({ label, ready })), reps, gapMs, loadAverage: os.loadavg(), processor: processor(), date: new Date().toISOString(), rows };
await mkdir(values.out, { recursive: true });
const file = path.join(values.out, 'peer-interleaved.json');
await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\n${reps} rounds a length, each contender once a round (${file}). Seconds are medians; speed = PyTorch seconds ÷ ours at the same thread count.\n`);
const compared = ours.filter((contender) => peerAt(contender.threads));
const twoThreadEngines = Object.keys(rows[0]?.twoOverOne ?? {});
const head = ['N', ...contenders.map(({ label }) => `${label} (s)`), ...compared.map(({ label }) => `${label} speed (per round)`), ...twoThreadEngines.map((engine) => `${engine} 2 t ÷ 1 t`), ...compared.map(({ label }) => `${label} fills = peer's`)];
console.log(`| ${head.join(' | ')} |`);
console.log(`|${head.map(() => '---:').join('|')}|`);
for (const row of rows) {
  const cellsText = contenders.map(({ label }) => String(row.cells[label]?.median));
  const speedText = compared.map(({ label }) => {
    const versus = row.versusPeer[label];
    return versus ? `${versus.speed}× (${versus.perRoundMedian}×, ${versus.perRoundRange[0]}–${versus.perRoundRange[1]})` : '';
  });
  const twoText = twoThreadEngines.map((engine) => `${row.twoOverOne[engine]?.ofMedians} (${row.twoOverOne[engine]?.perRoundMedian})`);
  const fillText = compared.map(({ label }) => {
    const versus = row.versusPeer[label];
    if (!versus) return '';
    const first = versus.firstDisagreement;
    return `${(100 * versus.fillsAgreeing).toFixed(1)}%${first ? `, first differs at fill ${first.fill}${first.peerChoseSpecialId ? ' (peer: a special id)' : ''}` : ''}`;
  });
  console.log(`| ${[row.length, ...cellsText, ...speedText, ...twoText, ...fillText].join(' | ')} |`);
}
