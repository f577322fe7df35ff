/**
 * Text layout of explanation paragraphs (explain and trace text output): the headline, the blocker, the
 * fix and each further sentence on lines of their own, wrapped to a width (0: the paragraph on one line).
 */

/**
 * Where a paragraph breaks into lines of its own: after each sentence (a full stop before a capital or a
 * parenthesis), and after the headline's verdict, so the blocker starts a line.
 */
const BREAKS = /(?<=\.) (?=[A-Z(])|(?<=(?:, was denied| would be denied by the current configuration| is allowed by the current configuration| is blocked (?:on the way there|on the way back \(the response\)))[:.]?) (?=\S)/g;

/** The lines of one piece, greedy word wrap to `width` (a word longer than the line stays whole). */
function wrapPiece(piece: string, width: number, first: string, rest: string): string[] {
  const words = piece.split(' ');
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of words) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = rest + w;
    } else {
      line = empty ? line + w : `${line} ${w}`;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A paragraph laid out under `indent`: one line per piece (BREAKS), each wrapped to `width` columns with
 * its continuation lines indented two more; `width` 0 keeps the whole paragraph on one line.
 */
export function layoutParagraph(text: string, width: number, indent: string): string {
  if (width <= 0) return `${indent}${text}`;
  const out: string[] = [];
  for (const piece of text.split(BREAKS)) {
    if (piece === '') continue;
    out.push(...wrapPiece(piece, width, indent, `${indent}  `));
  }
  return out.join('\n');
}

/** The default text width: the terminal's columns when stdout is one, else 80. */
export const DEFAULT_TEXT_WIDTH = 80;

/** `--width N`: a whole number of columns, 0 for one line per paragraph (null: not a valid value). */
export function parseWidth(text: string): number | null {
  if (!/^\d{1,4}$/.test(text.trim())) return null;
  return Number(text.trim());
}
