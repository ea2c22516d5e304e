// Reading the preview's Markdown the way a reviewer does: by section.

export const linesOf = (text: string) => text.split('\n');

/** The lines of one `### Title` section of a Markdown report, up to the next blank line. */
export function section(markdown: string, title: string): string[] {
  const lines = linesOf(markdown);
  const start = lines.indexOf(`### ${title}`);
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}
