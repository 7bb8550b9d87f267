// The AXI4-Lite timing diagram printed in rtl-out/README.md is what the shell does: its master-driven
// lanes (wvalid, awvalid, bready, arvalid, rready) fed to the golden model, cycle by cycle, give the
// slave lanes drawn (wready, awready, bvalid, arready, rvalid). The golden model equals the RTL
// (shell-vs-golden.test.ts), so the drawing is checked against the hardware.
import { describe, expect, it } from 'vitest';
import { AxiShellGolden, type AxiShellInputs } from '../../hwgen/axi/golden.ts';
import { hostProtocolDiagrams, type WaveLane } from '../../hwgen/vendor/index.ts';

/** Per-cycle 0/1 values of a bit lane ('.' repeats the previous value). */
function bits(lane: WaveLane): number[] {
  const out: number[] = [];
  for (const c of lane.wave) out.push(c === '.' ? out[out.length - 1]! : Number(c));
  return out;
}

describe('the AXI4-Lite diagram matches the golden model', () => {
  it('wave-axi-lite.svg', () => {
    const d = hostProtocolDiagrams().find((x) => x.file === 'wave-axi-lite.svg')!;
    const lane = (name: string) => bits(d.signal.find((s) => 'name' in s && s.name === name) as WaveLane);
    const cycles = lane('wvalid').length;
    const golden = new AxiShellGolden({ cmdAddr: 11, cmdData: 70, variant: 4, time: 48, scale: 32, slot: 6, layer: 7, score: 32, count: 7, bank: 0 }, { log2Tasks: 6, log2Variants: 4, log2MaxLayers: 7 });
    const drawn = { wready: lane('wready'), awready: lane('awready'), bvalid: lane('bvalid'), arready: lane('arready'), rvalid: lane('rvalid') };
    const seen: Record<keyof typeof drawn, number[]> = { wready: [], awready: [], bvalid: [], arready: [], rvalid: [] };
    for (let k = 0; k < cycles; k++) {
      const i: AxiShellInputs = {
        s_axi_awvalid: BigInt(lane('awvalid')[k]!), s_axi_awaddr: 0x08n, s_axi_awprot: 0n,
        s_axi_wvalid: BigInt(lane('wvalid')[k]!), s_axi_wdata: 0n, s_axi_wstrb: 0xfn,
        s_axi_bready: BigInt(lane('bready')[k]!),
        s_axi_arvalid: BigInt(lane('arvalid')[k]!), s_axi_araddr: 0x08n, s_axi_arprot: 0n,
        s_axi_rready: BigInt(lane('rready')[k]!),
        cmd_ready: 0n, rsp_valid: 0n, rsp_data: 0n, adm_ready: 0n, adm_slot: 0n,
        ev_valid: 0n, ev_kind: 0n, ev_task: 0n, ev_layer: 0n, ev_time: 0n, ev_score: 0n, time_now: 0n, num_valid: 0n, table_full: 0n, busy: 0n,
      };
      // What the slave presents during cycle k, then the edge.
      const o = golden.outputs(i);
      seen.wready.push(Number(o.s_axi_wready));
      seen.awready.push(Number(o.s_axi_awready));
      seen.bvalid.push(Number(o.s_axi_bvalid));
      seen.arready.push(Number(o.s_axi_arready));
      seen.rvalid.push(Number(o.s_axi_rvalid));
      golden.step(i);
    }
    expect(seen).toEqual(drawn);
  });
});
