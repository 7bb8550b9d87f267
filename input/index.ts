// Reading the JSON files a user hands to dysta (hardware configs, request traces) strictly, so that a
// mistake is named instead of silently changing the meaning of the file:
//
//   * a UTF-8 byte-order mark is accepted (editors on Windows write one), as the CSV reader does;
//   * a key given twice in one object is an error (JSON.parse would keep the last one quietly);
//   * `__proto__`, `constructor` and `prototype` keys are errors (they mean nothing in our formats
//     and `__proto__` changes an object's prototype in code that copies it);
//   * a number that overflows to Infinity (`1e400`) is an error naming its path;
//   * nesting deeper than MAX_DEPTH levels is an error;
//   * every message quotes at most a short excerpt of the file.
//
// Cost: JSON.parse plus one linear scan of the text (and, where a number could overflow, one walk of
// the value, without recursion: a value nested a million levels deep is refused, not a stack
// overflow). A leaf module apart from the excerpt helpers of output/.
import { excerpt } from '../output/index.ts';

/** An input file the user can fix. User-facing: one line, exit code 2. */
export class InputError extends Error {
  readonly userError = true as const;
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** Deeper nesting than any of our formats needs: refused with a message, never a stack overflow. */
export const MAX_DEPTH = 64;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

type Frame = { kind: 'object'; keys: Set<string>; key: string | undefined; expectKey: boolean } | { kind: 'array'; index: number };

function pathOf(stack: readonly Frame[]): string {
  let out = '';
  for (const f of stack) {
    if (f.kind === 'array') out += `[${f.index}]`;
    else if (f.key !== undefined) out += /^[A-Za-z_$][\w$]*$/.test(f.key) ? `${out ? '.' : ''}${f.key}` : `[${JSON.stringify(excerpt(f.key, 40))}]`;
  }
  return out || 'the top level';
}

/** Line number (1-based) of character `at`. */
function lineOf(text: string, at: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The characters scanKeys acts on; everything between them (numbers, white space, literals) it skips. */
const STRUCTURAL = /["{}[\],]/g;

/**
 * Scans syntactically valid JSON for duplicate and forbidden keys and excessive depth. It jumps from
 * one structural character to the next (a regular expression finds them) and skips strings with
 * indexOf, so numbers, white space and long strings cost little.
 */
function scanKeys(text: string, source: string): void {
  const stack: Frame[] = [];
  STRUCTURAL.lastIndex = 0;
  for (let found = STRUCTURAL.exec(text); found; found = STRUCTURAL.exec(text)) {
    const i = found.index;
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      for (;;) {
        j = text.indexOf('"', j);
        let backslashes = 0;
        while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes++;
        if (backslashes % 2 === 0) break;
        j++;
      }
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && top.expectKey) {
        const quoted = text.slice(i, j + 1);
        const key = quoted.includes('\\') ? (JSON.parse(quoted) as string) : quoted.slice(1, -1);
        top.expectKey = false;
        if (FORBIDDEN_KEYS.has(key)) {
          top.key = key;
          throw new InputError(`${source} line ${lineOf(text, i)}: the key "${key}" at ${pathOf(stack)} is not allowed (it is not a setting of this format)`);
        }
        if (top.keys.has(key)) {
          top.key = key;
          throw new InputError(`${source} line ${lineOf(text, i)}: ${pathOf(stack)} is given twice in the same object; keep one`);
        }
        top.keys.add(key);
        top.key = key;
      }
      STRUCTURAL.lastIndex = j + 1;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= MAX_DEPTH) throw new InputError(`${source} line ${lineOf(text, i)}: nested more than ${MAX_DEPTH} levels deep at ${pathOf(stack)}; this format is much flatter`);
      stack.push(c === 0x7b ? { kind: 'object', keys: new Set(), key: undefined, expectKey: true } : { kind: 'array', index: 0 });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') top.expectKey = true;
      else if (top) top.index++;
    }
  }
}

/**
 * No number reaches 1.7e308 in text without an exponent of three or more digits and without a run of
 * more than 200 digits (so at most 10^(200 + 99)). Almost every file is such text, and skips the walk.
 */
const LARGE_EXPONENT = /[eE][+-]?\d{3}/;
const LONG_DIGITS = /\d{201}/;

/** Walks the parsed value (iteratively) for numbers that overflowed to Infinity. */
function checkNumbers(value: unknown, source: string, text: string): void {
  if (!LARGE_EXPONENT.test(text) && !LONG_DIGITS.test(text)) return;
  const todo: [unknown, string][] = [[value, '']];
  while (todo.length > 0) {
    const [v, path] = todo.pop()!;
    if (typeof v === 'number' && !Number.isFinite(v)) {
      throw new InputError(`${source}: ${path || 'the top level'} is a number too large to represent (it overflows to Infinity); use a value below 1.7e308`);
    }
    if (Array.isArray(v)) v.forEach((x, i) => todo.push([x, `${path}[${i}]`]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) todo.push([x, path ? `${path}.${k}` : k]);
  }
}

/**
 * Parses `text` (the contents of `source`, a file name shown in messages) as strict JSON; see the
 * header for what is refused.
 */
export function parseJsonStrict(text: string, source: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    throw new InputError(`${source} is not valid JSON: ${excerpt((err as Error).message, 160)}`);
  }
  scanKeys(body, source);
  checkNumbers(value, source, body);
  return value;
}
