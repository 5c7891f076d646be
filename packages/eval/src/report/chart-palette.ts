/**
 * Twenty clearly different colours for chart series, in the order they are handed out: the
 * first ten are the Tableau 10 hues, the next ten darker or more saturated hues that stay
 * distinguishable from them. A chart with more series than this is unreadable as lines anyway.
 */
export const CHART_PALETTE: readonly string[] = [
  '#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#17becf', '#7f3c8d', '#11a579', '#e73f74', '#3969ac', '#f2b701', '#80ba5a', '#008695', '#cf1c90', '#4b4b8f',
];

/**
 * An explicit ordinal colour scale giving every series its own palette colour, so no two
 * lines of a plot share one (Vega's default schemes repeat after ten). With `allNames` (every
 * series of a multi-panel chart, in order), a series keeps one colour in every panel it is in.
 */
export function seriesColorScale(names: readonly string[], allNames: readonly string[] = names): { domain: string[]; range: string[] } {
  const palette = [...new Set([...allNames, ...names])];
  if (palette.length > CHART_PALETTE.length) throw new Error(`a chart takes at most ${CHART_PALETTE.length} distinct series, got ${palette.length}`);
  return { domain: [...names], range: names.map((name) => CHART_PALETTE[palette.indexOf(name)] as string) };
}
