// The PE array's reset values are exercised: after a reset in the middle of a layer every documented
// reset value holds and the next layer is exact, also when every register starts from a random value
// (X-pessimism build). A copy of the design with its zero resets removed fails both ways, so the test
// would catch resets being dropped.
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../hwgen/index.ts';
import { planNpu } from '../../verify/npu.ts';
import { tempDir } from '../helpers.ts';
import { designFor, rewriteDesignFile, runSuites } from '../verify/helpers.ts';

const root = tempDir('dysta-reset-');
const config = defaultConfig();
const npu = () => [planNpu(config.peArray, { seeds: 1, rows: 16, seed: 1 })];

/** Removes every `<register> <= 0` from the reset branches of pe_array.v. */
function dropZeroResets(text: string): string {
  return text.replace(/(if \(rst\) begin\n)((?:\s+\w+ <= \d+'d\d+;\n)+)/g, (_m, head: string, body: string) => head + body.split('\n').filter((l) => !/<= \d+'d0;$/.test(l)).join('\n'));
}

describe('PE array reset values', () => {
  it('reset in the middle of a layer: documented values, then an exact layer; also from random initial values (2 seeds)', async () => {
    const { dir } = designFor(config, root, 'ok');
    const only = ['reset-mid-layer', 'density-0.5-0', 'back-to-back'];
    const plain = await runSuites(dir, config, npu(), { only });
    expect(plain.failed).toEqual([]);
    expect(plain.cases).toHaveLength(3);
    for (const xSeed of [1, 2]) {
      const x = await runSuites(dir, config, npu(), { only, instrument: { xSeed } });
      expect(x.failed, `X seed ${xSeed}`).toEqual([]);
    }
  }, 300_000);

  it('without its zero resets the array fails: mid-layer reset, and runs from random initial values', async () => {
    const { dir } = designFor(config, root, 'no-resets');
    rewriteDesignFile(dir, 'pe_array.v', dropZeroResets);
    const plain = await runSuites(dir, config, npu(), { only: ['reset-mid-layer'] });
    expect(plain.failedNames).toEqual(['reset-mid-layer']);
    expect(plain.failed[0]!.message).toMatch(/after reset/);
    const x = await runSuites(dir, config, npu(), { only: ['density-0.5-0', 'idle-and-busy'], instrument: { xSeed: 1 } });
    expect(x.failed.length).toBeGreaterThan(0);
  }, 300_000);
});
