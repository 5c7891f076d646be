import type { GenerateIteration } from '@maria-ts/annealer';
import { escapeControlCharacters } from '@maria-ts/core';
import type { GenerateCommandResult } from './run-generate.js';

const preview = (text: string, width: number) => {
  const flat = escapeControlCharacters(text.replace(/\s+/g, ' ').trim());
  return flat.length <= width ? flat : `${flat.slice(0, width - 1)}…`;
};

/** One progress line per iteration on stderr: iteration, temperature, time, and the start of the text. */
export function iterationLine(event: GenerateIteration, total: number): string {
  const label = event.iteration === 0 ? 'x⁰ (AR, T=1)' : `iteration ${event.iteration}/${total} T=${event.temperature.toFixed(2)}`;
  return `${label.padEnd(24)} ${(event.elapsedMs / 1000).toFixed(2).padStart(7)}s  ${preview(event.text, 80)}\n`;
}

/** `--json`: the generated text and tokens with the settings that produced them. */
export function generateJson(result: GenerateCommandResult): string {
  const { engine, ...rest } = result;
  return JSON.stringify({ ...rest, elapsedMs: Math.round(result.elapsedMs), engine: engine.name });
}

/** Human output: the text (control characters from the vocabulary shown escaped), then one line of settings. */
export function generateText(result: GenerateCommandResult): string {
  const settings = `${result.tokens.length} tokens, ${result.iterations} iterations, remask ${result.remask}, ${result.schedule} schedule, seed ${result.seed}, ${(result.elapsedMs / 1000).toFixed(2)} s`;
  return `${escapeControlCharacters(result.text, { multiline: true })}\n\n(${settings})\n`;
}
