// yargs runs from a CommonJS bundle compiled with a V8 code cache the build makes (bin/build.js,
// cli/yargs-loader.ts). The cache must fit: the loader wraps the bundle exactly as the build did, and
// a plain `node` accepts the cache (a refused cache would quietly cost every start its compile).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
// @ts-expect-error bin/build.js is plain JavaScript without type declarations
import { yargsWrapper } from '../../bin/build.js';
import { wrapYargsBundle } from '../../cli/yargs-loader.ts';
import { PROJECT_ROOT } from '../helpers.ts';

const bundle = join(PROJECT_ROOT, 'dist', 'vendor', 'yargs.cjs');

describe('the yargs bundle and its code cache', () => {
  it('is wrapped by the loader exactly as by the build', () => {
    const code = readFileSync(bundle, 'utf8');
    expect(wrapYargsBundle(code)).toBe((yargsWrapper as (c: string) => string)(code));
  });

  it('has a code cache that node accepts', async () => {
    const script = `
      const { readFileSync } = require('node:fs');
      const vm = require('node:vm');
      const file = ${JSON.stringify(bundle)};
      const s = new vm.Script(${JSON.stringify(wrapYargsBundle('@'))}.replace('@', () => readFileSync(file, 'utf8')), { filename: file, cachedData: readFileSync(file + '.cache') });
      console.log(JSON.stringify({ rejected: s.cachedDataRejected }));`;
    const r = await execa('node', ['-e', script], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ rejected: false });
  });
});
