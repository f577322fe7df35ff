/** `--width N` of the commands that print paragraphs (explain, trace): the column count text output wraps to. */
import type { IoStream } from './io.js';
import { UsageError } from './errors.js';
import type { OptionSpec } from './options.js';
import { DEFAULT_TEXT_WIDTH, parseWidth } from '../report/wrap.js';

export const WIDTH_OPTION = ['--width <n>', `text output: wrap paragraphs to N columns (default: the terminal's width when stdout is one, else ${DEFAULT_TEXT_WIDTH}; 0: one line per paragraph)`] as const;

/** The width text output wraps to: --width, else the terminal's columns when stdout is a terminal, else 80. */
export function textWidth(given: string | undefined, stdout: IoStream): number {
  if (given !== undefined) {
    const w = parseWidth(given);
    if (w === null) throw new UsageError(`--width: expected a whole number of columns (0 for one line per paragraph), got ${JSON.stringify(given)}`);
    return w;
  }
  const tty = stdout as IoStream & { readonly columns?: number | undefined };
  return tty.isTTY === true && typeof tty.columns === 'number' && tty.columns > 0 ? tty.columns : DEFAULT_TEXT_WIDTH;
}

/** WIDTH_OPTION for declareOptions (options.ts). */
export const WIDTH_SPEC: OptionSpec = { flags: WIDTH_OPTION[0], description: WIDTH_OPTION[1] };
