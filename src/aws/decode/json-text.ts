/**
 * JSON text → value, with the line and column of a syntax error. `JSON.parse` does the work; only when it
 * fails does a small strict scanner walk the text to find where and why (V8's messages do not always carry
 * a position). Byte-order marks and UTF-16 files (PowerShell's `>` writes UTF-16LE) are decoded first.
 */
import { isAscii } from 'node:buffer';
import { E } from '../../fp.js';
import type { Either } from '../../fp.js';

export interface JsonSyntaxError {
  /** 1-based line and column (column in UTF-16 code units). */
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Decodes file bytes as UTF-8, or UTF-16 when a UTF-16 byte-order mark says so. Strips a BOM. */
export function decodeJsonBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  // ASCII (the usual describe-* output) is its own Latin-1: a plain copy, several times quicker than UTF-8 decoding.
  const text = isAscii(bytes) ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1') : new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseJsonText(text: string): Either<JsonSyntaxError, unknown> {
  try {
    return E.right(JSON.parse(text) as unknown);
  } catch (e) {
    const located = locateJsonError(text);
    if (located !== null) return E.left({ ...lineColumn(text, located.offset), message: located.message });
    return E.left({ line: 1, column: 1, message: e instanceof Error ? e.message : String(e) });
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class SyntaxFailure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

function show(c: string | undefined): string {
  if (c === undefined) return 'end of input';
  if (c === '\n') return 'a line break';
  if (c === '\r') return 'a carriage return';
  return JSON.stringify(c);
}

/** Finds the first RFC 8259 violation. Returns null when the text is valid (or too deeply nested to scan). */
export function locateJsonError(s: string): { offset: number; message: string } | null {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new SyntaxFailure(at, message);
  };
  const ws = (): void => {
    while (i < s.length) {
      const c = s[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const literal = (word: string): void => {
    if (s.startsWith(word, i)) i += word.length;
    else fail(`unexpected ${show(s[i])}; expected a value`);
  };
  const string = (): void => {
    i++; // opening quote
    for (;;) {
      if (i >= s.length) fail('unterminated string');
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x0a) fail('line break inside a string (strings cannot span lines)');
      if (c < 0x20) fail(`control character U+${c.toString(16).toUpperCase().padStart(4, '0')} inside a string`);
      if (c === 0x5c) {
        const n = s[i + 1];
        if (n === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) fail('bad \\u escape in a string');
          i += 6;
        } else if (n !== undefined && '"\\/bfnrt'.includes(n)) i += 2;
        else fail(`bad escape ${show(`\\${n ?? ''}`)} in a string`);
      } else i++;
    }
  };
  const number = (): void => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (m === null || m[0] === '' || m[0] === '-') fail(`unexpected ${show(s[i])}; expected a value`);
    else i += m[0].length;
  };
  const value = (): void => {
    ws();
    const c = s[i];
    if (c === undefined) fail('unexpected end of input; expected a value');
    else if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === '-' || (c >= '0' && c <= '9')) number();
    else fail(`unexpected ${show(c)}; expected a value`);
  };
  const object = (): void => {
    i++;
    ws();
    if (s[i] === '}') {
      i++;
      return;
    }
    for (;;) {
      ws();
      if (s[i] !== '"') fail(`unexpected ${show(s[i])}; expected a double-quoted property name`);
      string();
      ws();
      if (s[i] !== ':') fail(`unexpected ${show(s[i])}; expected ':' after a property name`);
      i++;
      value();
      ws();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === '}') {
        i++;
        return;
      }
      fail(`unexpected ${show(s[i])}; expected ',' or '}' after a property value`);
    }
  };
  const array = (): void => {
    i++;
    ws();
    if (s[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      ws();
      if (s[i] === ',') {
        i++;
        continue;
      }
      if (s[i] === ']') {
        i++;
        return;
      }
      fail(`unexpected ${show(s[i])}; expected ',' or ']' after an array element`);
    }
  };
  try {
    value();
    ws();
    if (i < s.length) fail(`unexpected ${show(s[i])} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof SyntaxFailure) return { offset: e.offset, message: e.message };
    return null; // stack overflow on absurd nesting: no position
  }
}
