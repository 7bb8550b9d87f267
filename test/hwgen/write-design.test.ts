// writeDesign follows the output rule (output/): a folder dysta wrote is replaced, the user's files in
// it are kept, anything else is refused. An rtl-out/ of an older dysta, from before the marker, counts
// as dysta's only while every file its manifest lists is unmodified.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, generateDesign, parseConfig, writeDesign } from '../../hwgen/index.ts';
import { OUTPUT_MARKER } from '../../output/index.ts';
import { tempDir } from '../helpers.ts';

const root = tempDir('dysta-write-design-');
const small = generateDesign(parseConfig({ peArray: { lanes: 2, weightDepth: 16 } }));

describe('writeDesign', () => {
  it('adopts an unmarked folder of an older dysta whose files are unmodified, keeping the user file', () => {
    const dir = join(root, 'old');
    writeDesign(small, dir);
    rmSync(join(dir, OUTPUT_MARKER)); // as an older version left it
    writeFileSync(join(dir, 'my_tb.v'), 'mine');
    writeDesign(generateDesign(defaultConfig()), dir);
    expect(readFileSync(join(dir, 'my_tb.v'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'pe_array.v'), 'utf8')).toContain('LANES = 16');
    expect(JSON.parse(readFileSync(join(dir, OUTPUT_MARKER), 'utf8')).files).not.toContain('my_tb.v');
  });

  it('refuses an unmarked folder whose Verilog was edited, and touches nothing', () => {
    const dir = join(root, 'edited');
    writeDesign(small, dir);
    rmSync(join(dir, OUTPUT_MARKER));
    writeFileSync(join(dir, 'pe_array.v'), readFileSync(join(dir, 'pe_array.v'), 'utf8') + '// my fix\n');
    const before = readdirSync(dir).sort();
    expect(() => writeDesign(small, dir)).toThrow(/^--out \S+ is a folder that dysta did not write/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, 'pe_array.v'), 'utf8')).toContain('// my fix');
  });
});
