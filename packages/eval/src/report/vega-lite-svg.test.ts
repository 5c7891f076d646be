import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderVegaLiteSvg, writeVegaLiteSvg } from './vega-lite-svg.js';

const barSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { values: [{ system: 'maria', score: 3 }, { system: 'ar', score: 1 }, { system: 'mlm', score: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'system', type: 'nominal' }, y: { field: 'score', type: 'quantitative', title: 'wins' } },
} as const;

describe('renderVegaLiteSvg', () => {
  it('renders any Vega-Lite spec to SVG, one mark per datum, and writes it atomically', async () => {
    const svg = await renderVegaLiteSvg(barSpec);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('wins');
    expect((svg.match(/<path aria-label="system: /g) ?? []).length).toBe(3);
    const root = await mkdtemp(path.join(os.tmpdir(), 'vega-lite-svg-'));
    try {
      const file = path.join(root, 'bars.svg');
      await writeVegaLiteSvg(file, barSpec);
      expect(await readFile(file, 'utf8')).toBe(svg);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
