/** Column alignment of a Markdown table. */
export type MarkdownAlign = 'left' | 'right';

/**
 * A GitHub-flavoured Markdown table from a header and rows of cells (pipes in cells are
 * escaped), so benchmark reports paste straight into a README or an issue.
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly MarkdownAlign[] = []): string {
  const cell = (text: string) => text.replaceAll('|', '\\|');
  const rule = header.map((_, column) => ((align[column] ?? 'left') === 'right' ? '---:' : '---'));
  const lines = [header, rule, ...rows].map((cells, index) => `| ${(index === 1 ? cells : cells.map(cell)).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}
