import type { ForwardResult } from './run-forward.js';

/** Shortest decimal that reads back as the same float32 (at most 9 significant digits). */
function float32Number(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Number(Math.fround(value).toPrecision(9));
}

const rows = (matrix: readonly (readonly number[])[]) => matrix.map((row) => row.map(float32Number));

/** The `--json` contract of ARCHITECTURE.md §5.2: `{"hidden": number[][], "logits": number[][] | null}`. */
export function forwardJson(result: ForwardResult): string {
  return JSON.stringify({ hidden: rows(result.hidden), logits: result.logits ? rows(result.logits) : null });
}

const preview = (row: readonly number[] | undefined, count = 4) =>
  `[${(row ?? []).slice(0, count).map((value) => value.toFixed(5)).join(', ')}${(row?.length ?? 0) > count ? ', …' : ''}]`;

function argmax(row: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < row.length; i++) if ((row[i] as number) > (row[best] as number)) best = i;
  return best;
}

/** A few lines for a person: the model, the shapes, the first values and the argmax per position. */
export function forwardText(result: ForwardResult): string {
  const { info, hidden, logits } = result;
  const lines = [
    `model   ${info.family}: ${info.numLayers} layers, hidden ${info.hiddenSize}, vocab ${info.vocabSize} (engine ${result.engine.name})`,
    `hidden  [${hidden.length}, ${hidden[0]?.length ?? 0}]  first position ${preview(hidden[0])}`,
  ];
  if (logits) {
    lines.push(`logits  [${logits.length}, ${logits[0]?.length ?? 0}]  first position ${preview(logits[0])}`);
    lines.push(`argmax  ${logits.map(argmax).join(' ')}`);
  } else {
    lines.push('logits  none (the checkpoint has no vocab projection)');
  }
  return `${lines.join('\n')}\n`;
}
