// Golden model of dysta_axi_shell, cycle by cycle: `step(inputs)` is one rising clock edge with
// those inputs applied, and returns every output as it is after the edge (with the same inputs
// still applied, since irq and ev_ready also depend on inputs). Written from the register map's
// documentation (README.md), not from the RTL generator, so the two can disagree.
import type { HostWidths } from './rtl.ts';
import { AXI_ID, REG, RESP } from './regmap.ts';

export interface AxiShellInputs {
  s_axi_awvalid: bigint; s_axi_awaddr: bigint; s_axi_awprot: bigint;
  s_axi_wvalid: bigint; s_axi_wdata: bigint; s_axi_wstrb: bigint;
  s_axi_bready: bigint;
  s_axi_arvalid: bigint; s_axi_araddr: bigint; s_axi_arprot: bigint;
  s_axi_rready: bigint;
  cmd_ready: bigint; rsp_valid: bigint; rsp_data: bigint;
  adm_ready: bigint; adm_slot: bigint;
  ev_valid: bigint; ev_kind: bigint; ev_task: bigint; ev_layer: bigint; ev_time: bigint; ev_score: bigint;
  time_now: bigint; num_valid: bigint; table_full: bigint; busy: bigint;
}

export interface AxiShellOutputs {
  s_axi_awready: bigint; s_axi_wready: bigint; s_axi_bvalid: bigint; s_axi_bresp: bigint;
  s_axi_arready: bigint; s_axi_rvalid: bigint; s_axi_rdata: bigint; s_axi_rresp: bigint;
  irq: bigint;
  cmd_valid: bigint; cmd_op: bigint; cmd_addr: bigint; cmd_data: bigint;
  adm_valid: bigint; adm_variant: bigint; adm_deadline: bigint; adm_arrival: bigint; adm_penalty_scale: bigint;
  /** Regression builds only. */
  adm_coeff_bank?: bigint;
  ev_ready: bigint;
}

const mask = (w: number) => (1n << BigInt(w)) - 1n;
const bit = (v: bigint, i: number) => (v >> BigInt(i)) & 1n;
const b = (x: boolean) => (x ? 1n : 0n);

interface State {
  awHeld: boolean; awAddr: bigint;
  wHeld: boolean; wData: bigint; wStrb: bigint;
  bValid: boolean; bResp: bigint;
  rValid: boolean; rData: bigint; rResp: bigint;
  irqEnable: bigint;
  cmdOp: bigint; cmdAddr: bigint; cmdData: bigint;
  cmdPending: boolean; rspWait: boolean; rspFresh: boolean; rspData: bigint;
  admVariant: bigint; admDeadline: bigint; admArrival: bigint; admScale: bigint; admBank: bigint;
  admPending: boolean; admDone: boolean; admSlot: bigint;
  timeHi: bigint;
}

/** State after reset: every register zero, no transfer in flight. */
function resetState(): State {
  return {
    awHeld: false, awAddr: 0n, wHeld: false, wData: 0n, wStrb: 0n, bValid: false, bResp: 0n, rValid: false, rData: 0n, rResp: 0n,
    irqEnable: 0n, cmdOp: 0n, cmdAddr: 0n, cmdData: 0n, cmdPending: false, rspWait: false, rspFresh: false, rspData: 0n,
    admVariant: 0n, admDeadline: 0n, admArrival: 0n, admScale: 0n, admBank: 0n, admPending: false, admDone: false, admSlot: 0n, timeHi: 0n,
  };
}

const STAGING_CMD: readonly number[] = [REG.CMD_OP, REG.CMD_ADDR, REG.CMD_DATA0, REG.CMD_DATA1, REG.CMD_DATA2, REG.CMD_GO];
const STAGING_ADM: readonly number[] = [REG.ADM_VARIANT, REG.ADM_DEADLINE_LO, REG.ADM_DEADLINE_HI, REG.ADM_ARRIVAL_LO, REG.ADM_ARRIVAL_HI, REG.ADM_SCALE_LO, REG.ADM_SCALE_HI];

export class AxiShellGolden {
  private s: State = resetState();

  constructor(readonly w: HostWidths, readonly config: { log2Tasks: number; log2Variants: number; log2MaxLayers: number }) {}

  private configWord(): bigint {
    const c = this.config;
    return BigInt(c.log2Tasks | (c.log2Variants << 4) | (c.log2MaxLayers << 8) | (this.w.time << 12) | (this.w.cmdData << 19)) | (BigInt(this.w.score) << 26n);
  }

  /** The word a read of byte address `addr` returns, or undefined (SLVERR) if it is not readable. */
  private read(addr: bigint, i: AxiShellInputs): bigint | undefined {
    const s = this.s;
    const word = (v: bigint, k: number) => (v >> BigInt(32 * k)) & 0xffffffffn;
    switch (Number(addr & 0xfcn)) {
      case REG.ID: return BigInt(AXI_ID);
      case REG.CONFIG: return this.configWord() & 0xffffffffn;
      case REG.STATUS:
        return b(s.cmdPending || s.rspWait) | (b(s.rspFresh) << 1n) | (b(s.admPending) << 2n) | (b(s.admDone) << 3n) |
          (i.ev_valid << 4n) | (i.table_full << 5n) | (i.busy << 6n) | (i.adm_ready << 7n) | (i.num_valid << 16n);
      case REG.IRQ_ENABLE: return s.irqEnable;
      case REG.CMD_OP: return s.cmdOp;
      case REG.CMD_ADDR: return s.cmdAddr;
      case REG.CMD_DATA0: return word(s.cmdData, 0);
      case REG.CMD_DATA1: return word(s.cmdData, 1);
      case REG.CMD_DATA2: return word(s.cmdData, 2);
      case REG.RSP_DATA0: return word(s.rspData, 0);
      case REG.RSP_DATA1: return word(s.rspData, 1);
      case REG.RSP_DATA2: return word(s.rspData, 2);
      case REG.ADM_VARIANT: return s.admVariant;
      case REG.ADM_DEADLINE_LO: return word(s.admDeadline, 0);
      case REG.ADM_DEADLINE_HI: return word(s.admDeadline, 1);
      case REG.ADM_ARRIVAL_LO: return word(s.admArrival, 0);
      case REG.ADM_ARRIVAL_HI: return word(s.admArrival, 1);
      case REG.ADM_SCALE_LO: return word(s.admScale, 0);
      case REG.ADM_SCALE_HI: return word(s.admScale, 1);
      case REG.ADM_RESULT: return (b(s.admDone) << 31n) | s.admSlot;
      case REG.ADM_BANK: return this.w.bank ? s.admBank : undefined;
      case REG.EV_INFO: return (i.ev_valid << 31n) | (i.ev_kind << 28n) | (i.ev_layer << 16n) | i.ev_task;
      case REG.EV_TIME_LO: return word(i.ev_time, 0);
      case REG.EV_TIME_HI: return word(i.ev_time, 1);
      case REG.EV_SCORE_LO: return word(i.ev_score, 0);
      case REG.EV_SCORE_HI: return word(i.ev_score, 1);
      case REG.TIME_LO: return word(i.time_now, 0);
      case REG.TIME_HI: return s.timeHi;
      default: return undefined;
    }
  }

  /** One rising edge with `i` applied; returns the outputs after it. */
  step(i: AxiShellInputs): AxiShellOutputs {
    const s = this.s; // the state before the edge
    const n: State = { ...s }; // the state after it
    const doWrite = s.awHeld && s.wHeld && !s.bValid;
    const cmdFire = s.cmdPending && i.cmd_ready === 1n;
    const admFire = s.admPending && i.adm_ready === 1n;
    const cmdBusy = s.cmdPending || s.rspWait;
    let strobeMask = 0n;
    for (let k = 0; k < 4; k++) if (bit(s.wStrb, k)) strobeMask |= 0xffn << BigInt(8 * k);
    /** `reg` (width bits) with its 32-bit word k replaced by the byte-enabled write data. */
    const put = (reg: bigint, width: number, k: number): bigint => {
      const sh = BigInt(32 * k);
      const old = (reg >> sh) & 0xffffffffn;
      const merged = (old & ~strobeMask & 0xffffffffn) | (s.wData & strobeMask);
      return ((reg & ~(0xffffffffn << sh)) | (merged << sh)) & mask(width);
    };

    if (i.s_axi_awvalid === 1n && !s.awHeld) { n.awHeld = true; n.awAddr = i.s_axi_awaddr & 0xfcn; }
    if (i.s_axi_wvalid === 1n && !s.wHeld) { n.wHeld = true; n.wData = i.s_axi_wdata; n.wStrb = i.s_axi_wstrb; }
    if (s.bValid && i.s_axi_bready === 1n) n.bValid = false;
    if (s.rValid && i.s_axi_rready === 1n) n.rValid = false;
    if (!s.rValid && i.s_axi_arvalid === 1n) {
      const value = this.read(i.s_axi_araddr, i);
      n.rValid = true;
      n.rData = value ?? 0n;
      n.rResp = BigInt(value === undefined ? RESP.SLVERR : RESP.OKAY);
      if ((i.s_axi_araddr & 0xfcn) === BigInt(REG.TIME_LO)) n.timeHi = i.time_now >> 32n;
    }
    if (i.rsp_valid === 1n) { n.rspData = i.rsp_data; n.rspFresh = true; n.rspWait = false; }
    if (cmdFire) { n.cmdPending = false; if (s.cmdOp === 3n || s.cmdOp === 4n) n.rspWait = true; }
    if (admFire) { n.admPending = false; n.admDone = true; n.admSlot = i.adm_slot; }
    if (doWrite) {
      const a = Number(s.awAddr);
      let ok: boolean;
      if (a === REG.IRQ_ENABLE || a === REG.EV_POP) ok = true;
      else if (STAGING_CMD.includes(a)) ok = !cmdBusy;
      else if (STAGING_ADM.includes(a) || (a === REG.ADM_BANK && this.w.bank > 0)) ok = !s.admPending;
      else if (a === REG.ADM_CTRL) ok = !(bit(s.wData, 0) === 1n && s.admPending);
      else ok = false;
      n.awHeld = false;
      n.wHeld = false;
      n.bValid = true;
      n.bResp = BigInt(ok ? RESP.OKAY : RESP.SLVERR);
      const w = this.w;
      if (ok) {
        switch (a) {
          case REG.IRQ_ENABLE: n.irqEnable = put(s.irqEnable, 1, 0); break;
          case REG.CMD_OP: n.cmdOp = put(s.cmdOp, 4, 0); break;
          case REG.CMD_ADDR: n.cmdAddr = put(s.cmdAddr, w.cmdAddr, 0); break;
          case REG.CMD_DATA0: n.cmdData = put(s.cmdData, w.cmdData, 0); break;
          case REG.CMD_DATA1: if (w.cmdData > 32) n.cmdData = put(s.cmdData, w.cmdData, 1); break;
          case REG.CMD_DATA2: if (w.cmdData > 64) n.cmdData = put(s.cmdData, w.cmdData, 2); break;
          case REG.CMD_GO: n.cmdPending = true; n.rspFresh = false; break;
          case REG.ADM_VARIANT: n.admVariant = put(s.admVariant, w.variant, 0); break;
          case REG.ADM_DEADLINE_LO: n.admDeadline = put(s.admDeadline, w.time, 0); break;
          case REG.ADM_DEADLINE_HI: n.admDeadline = put(s.admDeadline, w.time, 1); break;
          case REG.ADM_ARRIVAL_LO: n.admArrival = put(s.admArrival, w.time, 0); break;
          case REG.ADM_ARRIVAL_HI: n.admArrival = put(s.admArrival, w.time, 1); break;
          case REG.ADM_SCALE_LO: n.admScale = put(s.admScale, w.scale, 0); break;
          case REG.ADM_SCALE_HI: if (w.scale > 32) n.admScale = put(s.admScale, w.scale, 1); break;
          case REG.ADM_BANK: n.admBank = put(s.admBank, w.bank, 0); break;
          case REG.ADM_CTRL:
            if (bit(s.wData, 0) === 1n) { n.admPending = true; n.admDone = false; }
            else if (bit(s.wData, 1) === 1n && !admFire) n.admPending = false;
            break;
        }
      }
    }
    this.s = n;
    return this.outputs(i);
  }

  /** Outputs for the current state with inputs `i` applied. */
  outputs(i: AxiShellInputs): AxiShellOutputs {
    const s = this.s;
    const evPop = s.awHeld && s.wHeld && !s.bValid && s.awAddr === BigInt(REG.EV_POP) && i.ev_valid === 1n;
    return {
      s_axi_awready: b(!s.awHeld), s_axi_wready: b(!s.wHeld),
      s_axi_bvalid: b(s.bValid), s_axi_bresp: s.bResp,
      s_axi_arready: b(!s.rValid), s_axi_rvalid: b(s.rValid), s_axi_rdata: s.rData, s_axi_rresp: s.rResp,
      irq: s.irqEnable & i.ev_valid,
      cmd_valid: b(s.cmdPending), cmd_op: s.cmdOp, cmd_addr: s.cmdAddr, cmd_data: s.cmdData,
      adm_valid: b(s.admPending), adm_variant: s.admVariant, adm_deadline: s.admDeadline, adm_arrival: s.admArrival, adm_penalty_scale: s.admScale,
      ...(this.w.bank ? { adm_coeff_bank: s.admBank } : {}),
      ev_ready: b(evPop),
    };
  }
}
