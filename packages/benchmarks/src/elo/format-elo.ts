import type { EloBenchResult } from './run-elo-bench.js';

/** The leaderboard as a Markdown table, best first, with the bootstrap interval and the battle record. */
export function formatEloTable(result: Pick<EloBenchResult, 'rows' | 'confidence' | 'rounds'>): string {
  const percent = Math.round(result.confidence * 100);
  const lines = [
    `| system | ELO | ${percent}% CI (${result.rounds} bootstrap rounds) | W-L-T | mean judge score | fill s |`,
    '|---|---:|---|---|---:|---:|',
  ];
  for (const row of result.rows) {
    lines.push(
      `| ${row.model} | ${row.rating.toFixed(0)} | [${row.lower.toFixed(0)}, ${row.upper.toFixed(0)}] | ${row.wins}-${row.losses}-${row.ties} | ${row.meanScore.toFixed(3)} | ${row.fillSeconds.toFixed(1)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
