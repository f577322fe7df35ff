/**
 * Where a JSON path of the model (`NetworkAcls[2].Entries[5]`, as SourceRef.path holds it) is in the text
 * of its file: parsed with positions by jsonc-parser, for SARIF regions (line and column of the offending
 * rule in the describe JSON).
 */
import { findNodeAtLocation, parseTree } from 'jsonc-parser';

export type JsonPathSegment = string | number;

/** `A.B[2]["odd key"]` as segments; null when the text is not such a path. '' is the root. */
export function jsonPathSegments(path: string): JsonPathSegment[] | null {
  const out: JsonPathSegment[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.') {
      if (i === 0) return null;
      i++;
      continue;
    }
    if (c === '[') {
      const close = path[i + 1] === '"' ? closingQuote(path, i + 1) : path.indexOf(']', i);
      if (close < 0) return null;
      if (path[i + 1] === '"') {
        if (path[close + 1] !== ']') return null;
        try {
          out.push(JSON.parse(path.slice(i + 1, close + 1)) as string);
        } catch {
          return null;
        }
        i = close + 2;
      } else {
        const n = path.slice(i + 1, close);
        if (!/^\d+$/.test(n)) return null;
        out.push(Number(n));
        i = close + 1;
      }
      continue;
    }
    let j = i;
    while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
    out.push(path.slice(i, j));
    i = j;
  }
  return out;
}

function closingQuote(s: string, open: number): number {
  for (let k = open + 1; k < s.length; k++) {
    if (s[k] === '\\') k++;
    else if (s[k] === '"') return k;
  }
  return -1;
}

export interface TextPosition {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units (SARIF's default column kind). */
  readonly column: number;
}

/** The offsets at which the lines of `text` start. */
function lineStarts(text: string): number[] {
  const out = [0];
  for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) out.push(k + 1);
  return out;
}

function positionIn(starts: readonly number[], offset: number): TextPosition {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

export function positionOfOffset(text: string, offset: number): TextPosition {
  return positionIn(lineStarts(text), offset);
}

/** Finds the paths of one file's text; parses once. */
export function jsonPositionFinder(text: string): (jsonPath: string) => TextPosition | null {
  const root = parseTree(text);
  const starts = lineStarts(text);
  return (jsonPath) => {
    if (root === undefined) return null;
    const segments = jsonPathSegments(jsonPath);
    if (segments === null) return null;
    const node = segments.length === 0 ? root : findNodeAtLocation(root, segments);
    return node === undefined ? null : positionIn(starts, node.offset);
  };
}
