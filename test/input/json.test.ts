// Strict JSON for user files (input/index.ts): what JSON.parse would accept silently is named, and
// every message stays short whatever the file holds.
import { describe, expect, it } from 'vitest';
import { InputError, MAX_DEPTH, parseJsonStrict } from '../../input/index.ts';
import { describeValue } from '../../output/index.ts';

const parse = (text: string) => () => parseJsonStrict(text, 'cfg.json');

describe('strict JSON', () => {
  it('accepts a UTF-8 byte-order mark, as the CSV reader does', () => {
    expect(parseJsonStrict('\uFEFF{"peArray": {"lanes": 3}}', 'cfg.json')).toEqual({ peArray: { lanes: 3 } });
  });

  it('refuses a key given twice, naming it and the line', () => {
    expect(parse('{"peArray": {\n "lanes": 3,\n "lanes": 4}}')).toThrow('cfg.json line 3: peArray.lanes is given twice in the same object; keep one');
    // Escapes decode to the same key.
    expect(parse('{"a": 1, "\\u0061": 2}')).toThrow(/a is given twice/);
    // The same key in sibling objects and array elements is fine.
    expect(parseJsonStrict('{"x": [{"a": 1}, {"a": 2}], "y": {"a": 3}}', 'f')).toEqual({ x: [{ a: 1 }, { a: 2 }], y: { a: 3 } });
  });

  it('finds keys past strings holding brackets, commas, quotes and backslashes', () => {
    expect(parse('{"a": "}{,[\\"]", "b": {"c": ",{"}, "a": 2}')).toThrow(/^cfg\.json line 1: a is given twice/);
    expect(parse('{"x\\"y": 1,\n"x\\"y": 2}')).toThrow(/line 2: \["x\\"y"\] is given twice/);
    expect(parseJsonStrict('{"k\\\\": 1, "k": [1, {"k": 2}], "s": "\\\\"}', 'f')).toEqual({ 'k\\': 1, k: [1, { k: 2 }], s: '\\' });
  });

  it('refuses __proto__, constructor and prototype keys', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      expect(parse(`{"peArray": {"${key}": {"lanes": 1}}}`)).toThrow(new RegExp(`the key "${key}" at peArray.${key} is not allowed`));
    }
  });

  it('refuses numbers that overflow to Infinity, with their path', () => {
    expect(parse('{"peArray": {"lanes": 1e400}}')).toThrow('cfg.json: peArray.lanes is a number too large to represent (it overflows to Infinity)');
    expect(parse('{"requests": [{"arrival": 0}, {"arrival": -2e308}]}')).toThrow(/requests\[1\]\.arrival is a number too large/);
    // Without a three-digit exponent: many digits, or many digits times a two-digit exponent.
    expect(parse(`{"a": [1, ${'9'.repeat(310)}]}`)).toThrow(/a\[1\] is a number too large/);
    expect(parse(`{"a": ${'9'.repeat(210)}.5e99}`)).toThrow(/a is a number too large/);
    expect(parse(`{"a": 0.${'0'.repeat(400)}1e-99}`)).not.toThrow();
  });

  it('reads the largest numbers that do not overflow', () => {
    expect(parse(`{"a": [1.7976931348623157e308, ${'9'.repeat(200)}e99, -1e-400]}`)()).toEqual({ a: [1.7976931348623157e308, 1e299, -0] });
  });

  it('refuses a value nested a million levels deep in one line, without a stack overflow', () => {
    const deep = `{"peArray": {"lanes": ${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}}}`;
    let err: unknown;
    try {
      parseJsonStrict(deep, 'cfg.json');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(new RegExp(`nested more than ${MAX_DEPTH} levels deep at peArray\\.lanes\\[0\\]`));
    expect((err as Error).message.length).toBeLessThan(300);
  });

  it('quotes a short excerpt of a broken 10 MB file', () => {
    const huge = `{"peArray": {"lanes": "${'x'.repeat(10_000_000)}`;
    expect(parse(huge)).toThrow(/^cfg\.json is not valid JSON: /);
    try {
      parseJsonStrict(huge, 'cfg.json');
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(300);
    }
  });

  it('describeValue renders any value briefly, however deep or long', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(describeValue(deep)).toMatch(/^\[\[\[\[\[\[\[\[\[\.\.\.\]\]\]/);
    expect(describeValue('y'.repeat(10_000_000)).length).toBeLessThanOrEqual(80);
    expect(describeValue({ lanes: Infinity, x: null, s: 'a' })).toBe('{"lanes":Infinity,"x":null,"s":"a"}');
  });
});
