// peArray.multiplier 'lut' (FPGAs without multipliers): the activation's slices, the registers of
// the three multiplier stages and the accumulator's synchronous clear, as generated. Their results
// against the golden model are in test/verify/configs.test.ts (the whole npu suite at four widths,
// and from random initial values); the default 'dsp' lane is unchanged.
import { describe, expect, it } from 'vitest';
import { generateDesign, parseConfig } from '../../hwgen/index.ts';
import { activationSlices } from '../../hwgen/pe-array/rtl.ts';

const lane = (peArray: Record<string, number | string>) => generateDesign(parseConfig({ peArray })).files.get('pe_lane.v')!;

describe('LUT multiplier', () => {
  it('slices the activation into up to four near-equal parts, low to high', () => {
    const sizes = (w: number) => activationSlices(w).map((s) => `${s.lo}+${s.bits}`);
    expect(sizes(2)).toEqual(['0+1', '1+1']);
    expect(sizes(3)).toEqual(['0+1', '1+1', '2+1']);
    expect(sizes(5)).toEqual(['0+2', '2+1', '3+1', '4+1']);
    expect(sizes(8)).toEqual(['0+2', '2+2', '4+2', '6+2']);
    expect(sizes(13)).toEqual(['0+4', '4+3', '7+3', '10+3']);
    expect(sizes(16)).toEqual(['0+4', '4+4', '8+4', '12+4']);
  });

  it('8 x 8 bits: four partial products, two half sums, the product; the running sum cleared by acc_restart', () => {
    const v = lane({ lanes: 2, multiplier: 'lut' });
    // Unsigned 2-bit slices (zero-extended) x 8-bit weight: 11 bits; the signed top slice: 10 bits.
    for (const i of [0, 1, 2]) expect(v).toContain(`reg signed [10:0] partial_${i};`);
    expect(v).toContain('reg signed [9:0] partial_3;');
    expect(v).toContain('assign slice_3 = $signed(mac_value[7:6]);');
    expect(v).toContain("assign slice_0 = $signed({1'd0, mac_value[1:0]});");
    expect(v).toContain('reg signed [11:0] product_lo;');
    expect(v).toContain('reg signed [11:0] product_hi;');
    expect(v).toContain('product <= ($signed({{4{product_hi[11]}}, product_hi}) << 4) + $signed({{4{product_lo[11]}}, product_lo});');
    // No multiply of the whole activation; the sum's carry chain starts from a register, not a multiplexer.
    expect(v).not.toMatch(/mul_value|product_m|acc_first/);
    expect(v).toContain('assign sum = acc_run + ');
    expect(v).toMatch(/if \(acc_restart\) begin\s+acc_run <= 32'sd0;\s+end else if \(acc_valid\) begin\s+acc_run <= sum;/);
    const array = generateDesign(parseConfig({ peArray: { lanes: 2, multiplier: 'lut' } })).files.get('pe_array.v')!;
    expect(array).toContain('acc_restart <= mul_valid && mul_first;');
    expect(array).not.toMatch(/product_first|acc_first/);
  });

  it("the default ('dsp') lane multiplies in one stage between its input and product registers", () => {
    const v = lane({ lanes: 2 });
    expect(v).toContain('product_m <= $signed({{8{mul_value[7]}}, mul_value}) * $signed({{8{mul_weight[7]}}, mul_weight});');
    expect(v).toContain("assign sum = (acc_first ? 32'sd0 : acc) + ");
    expect(v).not.toMatch(/partial_|acc_run|acc_restart/);
  });
});
