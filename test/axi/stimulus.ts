// Random, protocol-correct AXI4-Lite traffic for dysta_axi_shell, with a random scheduler on its
// other side. The master reacts to the slave's handshake outputs, taken from the golden model (the
// test then checks that the RTL produces the very same outputs every cycle, so reacting to either is
// the same). Covers: AW before W, W before AW, both together; bready/rready stalls (the slave then
// holds AW and W: both channels stalled); reads and writes of every register, unmapped addresses,
// byte strobes; commands, admissions, withdrawals and event pops against random scheduler handshakes.
import { AxiShellGolden, type AxiShellInputs, type AxiShellOutputs } from '../../hwgen/axi/golden.ts';
import type { HostWidths } from '../../hwgen/axi/rtl.ts';
import { REG, REGISTERS } from '../../hwgen/axi/regmap.ts';

/** xorshift64*, seeded: the same seed gives the same traffic. */
export class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) * 0x9e3779b97f4a7c15n + 1n;
  }
  next(): bigint {
    let x = this.s;
    x ^= x >> 12n;
    x ^= (x << 25n) & 0xffffffffffffffffn;
    x ^= x >> 27n;
    this.s = x & 0xffffffffffffffffn;
    return (this.s * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  }
  int(n: number): number {
    return Number(this.next() % BigInt(n));
  }
  chance(p: number): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  bits(w: number): bigint {
    let v = 0n;
    for (let i = 0; i < w; i += 64) v = (v << 64n) | this.next();
    return v & ((1n << BigInt(w)) - 1n);
  }
}

export interface Coverage {
  awFirst: number;
  wFirst: number;
  together: number;
  bothStalled: number;
  bStalls: number;
  rStalls: number;
  slverrWrites: number;
  slverrReads: number;
  cmdIssued: number;
  admSubmitted: number;
  admWithdrawn: number;
  evPops: number;
  timeLoReads: number;
}

export interface Traffic {
  inputs: AxiShellInputs[];
  outputs: AxiShellOutputs[];
  coverage: Coverage;
}

const ACTIONS = [REG.CMD_GO, REG.ADM_CTRL, REG.ADM_CTRL, REG.EV_POP];
const ADDRS = [...REGISTERS.map((r) => r.offset), 0x34, 0x3c, 0x68, 0x98, 0xa8, 0xfc];

export function randomTraffic(w: HostWidths, config: { log2Tasks: number; log2Variants: number; log2MaxLayers: number }, cycles: number, seed: number): Traffic {
  const rng = new Rng(seed);
  const golden = new AxiShellGolden(w, config);
  const cov: Coverage = { awFirst: 0, wFirst: 0, together: 0, bothStalled: 0, bStalls: 0, rStalls: 0, slverrWrites: 0, slverrReads: 0, cmdIssued: 0, admSubmitted: 0, admWithdrawn: 0, evPops: 0, timeLoReads: 0 };
  const inputs: AxiShellInputs[] = [];
  const outputs: AxiShellOutputs[] = [];

  type Write = { addr: bigint; data: bigint; strb: bigint; awAt: number; wAt: number; awDone: boolean; wDone: boolean };
  let write: Write | undefined;
  let read: { addr: bigint; done: boolean } | undefined;
  let sched = { ev_valid: 0n, ev_kind: 0n, ev_task: 0n, ev_layer: 0n, ev_time: 0n, ev_score: 0n };
  let time = rng.bits(w.time - 8);

  for (let k = 0; k < cycles; k++) {
    // New transactions.
    if (!write && rng.chance(0.3)) {
      // Action registers a third of the time, so commands, admissions and pops happen often.
      const a = rng.chance(0.35) ? ACTIONS[rng.int(ACTIONS.length)]! : ADDRS[rng.int(ADDRS.length)]!;
      const strb = rng.chance(0.7) ? 0xfn : rng.bits(4);
      let data = rng.bits(32);
      if (a === REG.ADM_CTRL) data = BigInt(rng.int(4)); // submit / withdraw / both / neither
      if (a === REG.CMD_OP && rng.chance(0.8)) data = BigInt(rng.int(5)); // mostly real opcodes (3, 4 are reads)
      const order = rng.int(3);
      const lag = 1 + rng.int(4);
      write = { addr: BigInt(a | rng.int(4)), data, strb, awAt: order === 1 ? k + lag : k, wAt: order === 0 ? k + lag : k, awDone: false, wDone: false };
      if (order === 0) cov.awFirst++;
      else if (order === 1) cov.wFirst++;
      else cov.together++;
    }
    if (!read && rng.chance(0.3)) read = { addr: BigInt(ADDRS[rng.int(ADDRS.length)]! | rng.int(4)), done: false };

    // Scheduler side: events persist until taken (as the block does), the rest is random.
    if (sched.ev_valid === 0n && rng.chance(0.1)) {
      sched = { ev_valid: 1n, ev_kind: BigInt(1 + rng.int(2)), ev_task: rng.bits(w.slot), ev_layer: rng.bits(w.layer), ev_time: rng.bits(w.time), ev_score: rng.bits(w.score) };
    }
    time += 1n + (rng.chance(0.05) ? rng.bits(33) : 0n);
    const i: AxiShellInputs = {
      s_axi_awvalid: write && !write.awDone && k >= write.awAt ? 1n : 0n,
      s_axi_awaddr: write && !write.awDone && k >= write.awAt ? write.addr : rng.bits(8),
      s_axi_awprot: rng.bits(3),
      s_axi_wvalid: write && !write.wDone && k >= write.wAt ? 1n : 0n,
      s_axi_wdata: write && !write.wDone && k >= write.wAt ? write.data : rng.bits(32),
      s_axi_wstrb: write && !write.wDone && k >= write.wAt ? write.strb : rng.bits(4),
      s_axi_bready: rng.chance(0.6) ? 1n : 0n,
      s_axi_arvalid: read && !read.done ? 1n : 0n,
      s_axi_araddr: read && !read.done ? read.addr : rng.bits(8),
      s_axi_arprot: rng.bits(3),
      s_axi_rready: rng.chance(0.6) ? 1n : 0n,
      cmd_ready: rng.chance(0.4) ? 1n : 0n,
      rsp_valid: rng.chance(0.05) ? 1n : 0n,
      rsp_data: rng.bits(w.cmdData),
      adm_ready: rng.chance(0.05) ? 1n : 0n,
      adm_slot: rng.bits(w.slot),
      ...sched,
      time_now: time & ((1n << BigInt(w.time)) - 1n),
      num_valid: rng.bits(w.count),
      table_full: rng.bits(1),
      busy: rng.bits(1),
    };
    // What the slave presents during this cycle (state after the previous edge, these inputs).
    const pre = golden.outputs(i);
    if (pre.s_axi_bvalid && !i.s_axi_bready) cov.bStalls++;
    if (pre.s_axi_rvalid && !i.s_axi_rready) cov.rStalls++;
    if (pre.s_axi_bvalid && !i.s_axi_bready && !pre.s_axi_awready && !pre.s_axi_wready) cov.bothStalled++;
    if (i.s_axi_arvalid && pre.s_axi_arready && (i.s_axi_araddr & 0xfcn) === BigInt(REG.TIME_LO)) cov.timeLoReads++;
    if (pre.s_axi_bvalid && i.s_axi_bready && pre.s_axi_bresp === 2n) cov.slverrWrites++;
    if (pre.s_axi_rvalid && i.s_axi_rready && pre.s_axi_rresp === 2n) cov.slverrReads++;
    if (pre.ev_ready) cov.evPops++;

    const o = golden.step(i);
    inputs.push(i);
    outputs.push(o);

    // Handshakes at this edge.
    if (write) {
      if (i.s_axi_awvalid && pre.s_axi_awready) write.awDone = true;
      if (i.s_axi_wvalid && pre.s_axi_wready) write.wDone = true;
      if (write.awDone && write.wDone) write = undefined;
    }
    if (read && i.s_axi_arvalid && pre.s_axi_arready) read = undefined;
    if (o.cmd_valid && !pre.cmd_valid) cov.cmdIssued++;
    if (o.adm_valid && !pre.adm_valid) cov.admSubmitted++;
    if (!o.adm_valid && pre.adm_valid && !i.adm_ready) cov.admWithdrawn++;
    // The scheduler takes the event at this edge when ev_ready was high during the cycle.
    if (pre.ev_ready) sched = { ...sched, ev_valid: 0n };
  }
  return { inputs, outputs, coverage: cov };
}
