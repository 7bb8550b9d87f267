// AXI4-Lite slave for the scheduler's host side, so dysta_scheduler drops into a Zynq design:
//   dysta_axi_shell      the register file and the two AXI write channels' and the read channel's
//                        handshakes; on its other side the scheduler's command, admission and event
//                        ports (register map: regmap.ts, README.md)
//   dysta_scheduler_axi  the shell + dysta_scheduler; the NPU side stays ports, time skipping is tied off
//
// Write channel: AW and W are each taken into a one-entry buffer as soon as it is free (awready =
// no address held, wready = no data held), in any order; the write is performed in the first cycle
// both are held and no write response is waiting, and the response follows in the next cycle. A
// master that holds bready low therefore stalls both AW and W after one buffered write. Read
// channel: one read at a time (arready = no read data waiting); rdata is registered.
// Cost: about 400 flip-flops (staging registers) and a 32-bit read multiplexer over 30 registers.
import { cat, lit, litHex, mux, ModuleBuilder, type Expr, type ModuleDef, type Signal } from '../hdl/index.ts';
import { AXI_ADDR_WIDTH, AXI_ID, REG, RESP, STATUS_BIT } from './regmap.ts';

export const AXI_SHELL = 'dysta_axi_shell';
export const SCHEDULER_AXI_TOP = 'dysta_scheduler_axi';

/** Widths of the scheduler's host-side ports, read from its module definition. */
export interface HostWidths {
  cmdAddr: number;
  cmdData: number;
  variant: number;
  time: number;
  scale: number;
  slot: number;
  layer: number;
  score: number;
  count: number;
  /** adm_coeff_bank (regression builds): 1, else 0 (no such port, no ADM_BANK register). */
  bank: number;
}

export function hostWidths(scheduler: ModuleDef): HostWidths {
  const w = (name: string, optional = false): number => {
    const p = scheduler.ports.find((q) => q.name === name);
    if (!p && optional) return 0;
    if (!p) throw new Error(`${scheduler.name} has no port ${name}`);
    return p.width;
  };
  return {
    cmdAddr: w('cmd_addr'),
    cmdData: w('cmd_data'),
    variant: w('adm_variant'),
    time: w('time_now'),
    scale: w('adm_penalty_scale'),
    slot: w('adm_slot'),
    layer: w('ev_layer'),
    score: w('ev_score'),
    count: w('num_valid'),
    bank: w('adm_coeff_bank', true),
  };
}

/** Limits of the fixed register map (the config ranges keep every width inside them). */
function checkWidths(w: HostWidths): void {
  const limits: [keyof HostWidths, number][] = [['cmdAddr', 32], ['cmdData', 96], ['variant', 32], ['time', 64], ['scale', 64], ['slot', 10], ['layer', 10], ['score', 64], ['count', 15], ['bank', 1]];
  for (const [k, max] of limits) if (w[k] > max) throw new Error(`AXI register map: ${k} width ${w[k]} exceeds ${max}`);
}

/** 32-bit word `i` of a value (zero-extended past its top bit). */
function word(e: Expr, i: number): Expr {
  const lo = 32 * i;
  if (lo >= e.width) return lit(0, 32);
  const hi = Math.min(e.width - 1, lo + 31);
  return e.bits(hi, lo).resize(32);
}

/** `reg` with its part in 32-bit word `i` replaced by `value` (as wide as that part). */
function withWord(reg: Signal, i: number, value: Expr): Expr {
  const lo = 32 * i;
  const hi = Math.min(reg.width - 1, lo + 31);
  const parts: Expr[] = [];
  if (hi < reg.width - 1) parts.push(reg.bits(reg.width - 1, hi + 1));
  parts.push(value);
  if (lo > 0) parts.push(reg.bits(lo - 1, 0));
  return cat(...parts);
}

export function buildAxiShell(w: HostWidths, params: Record<string, number>): ModuleDef {
  checkWidths(w);
  const m = new ModuleBuilder(
    AXI_SHELL,
    'AXI4-Lite slave for the dysta_scheduler host side: command, admission and event registers.\n' +
      'AW and W may arrive in any order; one write and one read in flight. Register map: rtl-out/README.md.',
    params,
  );
  const A = AXI_ADDR_WIDTH;
  m.input('clk', 1, { role: 'clock' });
  m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high (e.g. proc_sys_reset peripheral_reset)' });
  const awvalid = m.input('s_axi_awvalid', 1, { doc: 'AXI4-Lite write address valid' });
  const awready = m.output('s_axi_awready', 1, { doc: 'write address buffer free' });
  const awaddr = m.input('s_axi_awaddr', A, { doc: 'byte address in the 256-byte window (bits [1:0] ignored)' });
  const awprot = m.input('s_axi_awprot', 3, { doc: 'ignored' });
  const wvalid = m.input('s_axi_wvalid', 1, { doc: 'write data valid' });
  const wready = m.output('s_axi_wready', 1, { doc: 'write data buffer free' });
  const wdata = m.input('s_axi_wdata', 32, { doc: 'write data' });
  const wstrb = m.input('s_axi_wstrb', 4, { doc: 'byte enables (data registers; action registers act on any write)' });
  const bvalid = m.output('s_axi_bvalid', 1, { reset: 0, doc: 'write response valid' });
  const bready = m.input('s_axi_bready', 1, { doc: 'write response ready' });
  const bresp = m.output('s_axi_bresp', 2, { reset: 0, doc: '0 OKAY, 2 SLVERR (unmapped, read-only, or busy)' });
  const arvalid = m.input('s_axi_arvalid', 1, { doc: 'read address valid' });
  const arready = m.output('s_axi_arready', 1, { doc: 'no read data waiting' });
  const araddr = m.input('s_axi_araddr', A, { doc: 'byte address (bits [1:0] ignored)' });
  const arprot = m.input('s_axi_arprot', 3, { doc: 'ignored' });
  const rvalid = m.output('s_axi_rvalid', 1, { reset: 0, doc: 'read data valid' });
  const rready = m.input('s_axi_rready', 1, { doc: 'read data ready' });
  const rdata = m.output('s_axi_rdata', 32, { reset: 0, doc: 'read data' });
  const rresp = m.output('s_axi_rresp', 2, { reset: 0, doc: '0 OKAY, 2 SLVERR (unmapped or write-only)' });
  const irq = m.output('irq', 1, { doc: 'level: an event is waiting and IRQ_ENABLE[0]' });
  m.unused(awprot, 'protection is not checked');
  m.unused(arprot, 'protection is not checked');
  m.unused(awaddr, 'bits [1:0]: word accesses only');
  m.unused(araddr, 'bits [1:0]: word accesses only');

  // Scheduler side (names as on dysta_scheduler).
  const cmdValid = m.output('cmd_valid', 1, { doc: 'to dysta_scheduler' });
  const cmdReady = m.input('cmd_ready', 1, { doc: 'from dysta_scheduler' });
  const cmdOp = m.output('cmd_op', 4, { reset: 0 });
  const cmdAddr = m.output('cmd_addr', w.cmdAddr, { reset: 0 });
  const cmdData = m.output('cmd_data', w.cmdData, { reset: 0 });
  const rspValidIn = m.input('rsp_valid', 1);
  const rspDataIn = m.input('rsp_data', w.cmdData);
  const admValid = m.output('adm_valid', 1);
  const admReady = m.input('adm_ready', 1);
  const admVariant = m.output('adm_variant', w.variant, { reset: 0 });
  const admDeadline = m.output('adm_deadline', w.time, { reset: 0 });
  const admArrival = m.output('adm_arrival', w.time, { reset: 0 });
  const admScale = m.output('adm_penalty_scale', w.scale, { reset: 0 });
  const admSlotIn = m.input('adm_slot', w.slot);
  const admBank = w.bank ? m.output('adm_coeff_bank', w.bank, { reset: 0, doc: 'regression builds: the staged request\'s coefficient bank' }) : undefined;
  const evValid = m.input('ev_valid', 1);
  const evReady = m.output('ev_ready', 1);
  const evKind = m.input('ev_kind', 2);
  const evTask = m.input('ev_task', w.slot);
  const evLayer = m.input('ev_layer', w.layer);
  const evTime = m.input('ev_time', w.time);
  const evScore = m.input('ev_score', w.score);
  const timeNow = m.input('time_now', w.time);
  const numValid = m.input('num_valid', w.count);
  const tableFull = m.input('table_full', 1);
  const schedBusy = m.input('busy', 1);

  // ---------------------------------------------------------------- state
  const awHeld = m.reg('aw_held', 1, { reset: 0, doc: 'a write address is buffered' });
  const awWord = m.reg('aw_word', A - 2, { reset: 0, doc: 'its word index' });
  const wHeld = m.reg('w_held', 1, { reset: 0, doc: 'write data is buffered' });
  const wData = m.reg('w_data', 32, { reset: 0 });
  const wStrb = m.reg('w_strb', 4, { reset: 0 });
  const irqEn = m.reg('irq_enable', 1, { reset: 0 });
  const cmdPending = m.reg('cmd_pending', 1, { reset: 0, doc: 'the staged command is offered (cmd_valid)' });
  const rspWait = m.reg('rsp_wait', 1, { reset: 0, doc: 'a read command was accepted; its response is due' });
  const rspFresh = m.reg('rsp_fresh', 1, { reset: 0, doc: 'RSP_DATA holds the last command\'s response' });
  const rspData = m.reg('rsp_data_q', w.cmdData, { reset: 0 });
  const admPending = m.reg('adm_pending', 1, { reset: 0, doc: 'the staged request is offered (adm_valid)' });
  const admDone = m.reg('adm_done', 1, { reset: 0, doc: 'the last submitted request was accepted' });
  const admSlot = m.reg('adm_slot_q', w.slot, { reset: 0 });
  const timeHi = m.reg('time_hi_q', w.time - 32, { reset: 0, doc: 'time_now[63:32] latched by a TIME_LO read' });

  m.assign(awready, awHeld.lnot());
  m.assign(wready, wHeld.lnot());
  m.assign(arready, rvalid.lnot());
  m.assign(irq, irqEn.land(evValid));
  m.assign(cmdValid, cmdPending);
  m.assign(admValid, admPending);

  const W = A - 2;
  const at = (offset: number) => lit(offset >> 2, W);
  const doWrite = m.wire('do_write', 1, { doc: 'address and data held, no response waiting: perform the write' });
  m.assign(doWrite, awHeld.land(wHeld).land(bvalid.lnot()));
  const writes = (offset: number) => doWrite.land(awWord.eq(at(offset)));
  m.assign(evReady, writes(REG.EV_POP).land(evValid));
  const cmdFire = m.wire('cmd_fire', 1);
  m.assign(cmdFire, cmdPending.land(cmdReady));
  const admFire = m.wire('adm_fire', 1);
  m.assign(admFire, admPending.land(admReady));
  const cmdBusy = cmdPending.lor(rspWait);

  // Byte-enable merge of the write data into a register word.
  const wmask = m.wire('w_mask', 32, { doc: 'byte enables as a bit mask' });
  m.assign(wmask, cat(...[3, 2, 1, 0].map((i) => mux(wStrb.bit(i), litHex(0xff, 8), lit(0, 8)))));
  /** The part of `reg` in word i, with the enabled bytes of the write data merged in. */
  const merged = (reg: Signal, i: number): Expr => {
    const n = Math.min(reg.width, 32 * i + 32) - 32 * i;
    const keep = reg.bits(32 * i + n - 1, 32 * i);
    const enable = wmask.bits(n - 1, 0);
    return keep.and(enable.not()).or(wData.bits(n - 1, 0).and(enable));
  };

  // ---------------------------------------------------------------- read values
  const status = cat(
    lit(0, 16 - w.count), numValid, lit(0, 8),
    admReady, schedBusy, tableFull, evValid, admDone, admPending, rspFresh, cmdBusy,
  );
  const config = Number(params.LOG2_TASKS) | (Number(params.LOG2_VARIANTS) << 4) | (Number(params.LOG2_MAX_LAYERS) << 8) |
    (w.time << 12) | (w.cmdData << 19) | (w.score << 26);
  // [31] valid, [29:28] kind, [25:16] layer, [9:0] slot.
  const evInfo = cat(evValid, lit(0, 1), evKind, lit(0, 2), evLayer.resize(10), lit(0, 6), evTask.resize(10));
  const readable: [number, Expr][] = [
    [REG.ID, litHex(AXI_ID, 32)],
    [REG.CONFIG, litHex(config >>> 0, 32)],
    [REG.STATUS, status],
    [REG.IRQ_ENABLE, irqEn.resize(32)],
    [REG.CMD_OP, cmdOp.resize(32)],
    [REG.CMD_ADDR, cmdAddr.resize(32)],
    [REG.CMD_DATA0, word(cmdData, 0)],
    [REG.CMD_DATA1, word(cmdData, 1)],
    [REG.CMD_DATA2, word(cmdData, 2)],
    [REG.RSP_DATA0, word(rspData, 0)],
    [REG.RSP_DATA1, word(rspData, 1)],
    [REG.RSP_DATA2, word(rspData, 2)],
    [REG.ADM_VARIANT, admVariant.resize(32)],
    [REG.ADM_DEADLINE_LO, word(admDeadline, 0)],
    [REG.ADM_DEADLINE_HI, word(admDeadline, 1)],
    [REG.ADM_ARRIVAL_LO, word(admArrival, 0)],
    [REG.ADM_ARRIVAL_HI, word(admArrival, 1)],
    [REG.ADM_SCALE_LO, word(admScale, 0)],
    [REG.ADM_SCALE_HI, word(admScale, 1)],
    [REG.ADM_RESULT, cat(admDone, lit(0, 31 - w.slot), admSlot)],
    ...(admBank ? [[REG.ADM_BANK, admBank.resize(32)] as [number, Expr]] : []),
    [REG.EV_INFO, evInfo],
    [REG.EV_TIME_LO, word(evTime, 0)],
    [REG.EV_TIME_HI, word(evTime, 1)],
    [REG.EV_SCORE_LO, word(evScore, 0)],
    [REG.EV_SCORE_HI, word(evScore, 1)],
    [REG.TIME_LO, word(timeNow, 0)],
    [REG.TIME_HI, timeHi.resize(32)],
  ];
  const arWord = araddr.bits(A - 1, 2);
  const readValue = m.reg('read_value', 32, { doc: 'the register at araddr' });
  const readOk = m.reg('read_ok', 1, { doc: 'araddr names a readable register' });
  m.comb((b) => {
    b.set(readValue, lit(0, 32));
    b.set(readOk, lit(0, 1));
    b.switch(arWord, readable.map(([offset, value]) => [offset >> 2, () => {
      b.set(readValue, value);
      b.set(readOk, lit(1, 1));
    }] as const));
  }, 'Read decode.');

  // ---------------------------------------------------------------- write decode
  const writeOk = m.reg('write_ok', 1, { doc: 'the held write is allowed (else SLVERR, no effect)' });
  m.comb((b) => {
    b.set(writeOk, lit(0, 1));
    const ok = (cond: Expr) => () => b.set(writeOk, cond);
    const staging = (offsets: number[], busy: Expr) => offsets.map((o) => [o >> 2, ok(busy.lnot())] as const);
    b.switch(awWord, [
      [REG.IRQ_ENABLE >> 2, ok(lit(1, 1))],
      ...staging([REG.CMD_OP, REG.CMD_ADDR, REG.CMD_DATA0, REG.CMD_DATA1, REG.CMD_DATA2, REG.CMD_GO], cmdBusy),
      ...staging([REG.ADM_VARIANT, REG.ADM_DEADLINE_LO, REG.ADM_DEADLINE_HI, REG.ADM_ARRIVAL_LO, REG.ADM_ARRIVAL_HI, REG.ADM_SCALE_LO, REG.ADM_SCALE_HI, ...(admBank ? [REG.ADM_BANK] : [])], admPending),
      [REG.ADM_CTRL >> 2, ok(wData.bit(0).land(admPending).lnot())],
      [REG.EV_POP >> 2, ok(lit(1, 1))],
    ]);
  }, 'Write decode: staging registers refuse writes while their command or admission is busy.');

  // ---------------------------------------------------------------- clocked behaviour
  const isRead = cmdOp.eq(lit(3, 4)).lor(cmdOp.eq(lit(4, 4)));
  m.seq((b) => {
    // AXI channels.
    b.if(awvalid.land(awHeld.lnot()), () => {
      b.set(awHeld, lit(1, 1));
      b.set(awWord, awaddr.bits(A - 1, 2));
    });
    b.if(wvalid.land(wHeld.lnot()), () => {
      b.set(wHeld, lit(1, 1));
      b.set(wData, wdata);
      b.set(wStrb, wstrb);
    });
    b.if(bvalid.land(bready), () => b.set(bvalid, lit(0, 1)));
    b.if(rvalid.land(rready), () => b.set(rvalid, lit(0, 1)));
    b.if(arvalid.land(rvalid.lnot()), () => {
      b.set(rvalid, lit(1, 1));
      b.set(rdata, readValue);
      b.set(rresp, mux(readOk, lit(RESP.OKAY, 2), lit(RESP.SLVERR, 2)));
      b.if(arWord.eq(at(REG.TIME_LO)), () => b.set(timeHi, timeNow.bits(w.time - 1, 32)));
    });
    // Scheduler handshakes: a response is captured, then a command or admission accepted.
    b.if(rspValidIn, () => {
      b.set(rspData, rspDataIn);
      b.set(rspFresh, lit(1, 1));
      b.set(rspWait, lit(0, 1));
    });
    b.if(cmdFire, () => {
      b.set(cmdPending, lit(0, 1));
      b.if(isRead, () => b.set(rspWait, lit(1, 1)));
    });
    b.if(admFire, () => {
      b.set(admPending, lit(0, 1));
      b.set(admDone, lit(1, 1));
      b.set(admSlot, admSlotIn);
    });
    // The held write: its effect, then its response (a host write wins over the handshakes above).
    b.if(doWrite, () => {
      b.set(awHeld, lit(0, 1));
      b.set(wHeld, lit(0, 1));
      b.set(bvalid, lit(1, 1));
      b.set(bresp, mux(writeOk, lit(RESP.OKAY, 2), lit(RESP.SLVERR, 2)));
      b.if(writeOk, () => {
        b.switch(awWord, [
          [REG.IRQ_ENABLE >> 2, () => b.set(irqEn, merged(irqEn, 0))],
          [REG.CMD_OP >> 2, () => b.set(cmdOp, merged(cmdOp, 0))],
          [REG.CMD_ADDR >> 2, () => b.set(cmdAddr, withWord(cmdAddr, 0, merged(cmdAddr, 0)))],
          ...[0, 1, 2].filter((i) => 32 * i < w.cmdData).map((i) => [(REG.CMD_DATA0 >> 2) + i, () => b.set(cmdData, withWord(cmdData, i, merged(cmdData, i)))] as const),
          [REG.CMD_GO >> 2, () => {
            b.set(cmdPending, lit(1, 1));
            b.set(rspFresh, lit(0, 1));
          }],
          [REG.ADM_VARIANT >> 2, () => b.set(admVariant, withWord(admVariant, 0, merged(admVariant, 0)))],
          ...([[REG.ADM_DEADLINE_LO, admDeadline], [REG.ADM_ARRIVAL_LO, admArrival], [REG.ADM_SCALE_LO, admScale]] as const).flatMap(([o, reg]) =>
            [0, 1].filter((i) => 32 * i < reg.width).map((i) => [(o >> 2) + i, () => b.set(reg, withWord(reg, i, merged(reg, i)))] as const),
          ),
          ...(admBank ? [[REG.ADM_BANK >> 2, () => b.set(admBank, withWord(admBank, 0, merged(admBank, 0)))] as const] : []),
          [REG.ADM_CTRL >> 2, () => {
            b.if(wData.bit(0), () => {
              b.set(admPending, lit(1, 1));
              b.set(admDone, lit(0, 1));
            }, () => b.if(wData.bit(1).land(admFire.lnot()), () => b.set(admPending, lit(0, 1))));
          }],
        ]);
      });
    });
  }, 'AXI channels, the scheduler handshakes and the register writes.');
  return m.build();
}

/**
 * dysta_scheduler behind the AXI4-Lite shell. The NPU side of the scheduler stays ports of this
 * module; the simulation-only time-skip inputs, where the scheduler has them, are tied off.
 */
export function buildSchedulerAxi(scheduler: ModuleDef): { top: ModuleDef; shell: ModuleDef } {
  const w = hostWidths(scheduler);
  const params = Object.fromEntries(Object.entries(scheduler.params).filter(([k]) => ['LOG2_TASKS', 'LOG2_VARIANTS', 'LOG2_MAX_LAYERS'].includes(k))) as Record<string, number>;
  const shell = buildAxiShell(w, params);
  const m = new ModuleBuilder(
    SCHEDULER_AXI_TOP,
    'dysta_scheduler with its host side behind an AXI4-Lite slave (dysta_axi_shell), for a Zynq PS master.\n' +
      'The NPU side stays ports; the simulation-only time-skip inputs are tied off. Register map: rtl-out/README.md.',
    { ...scheduler.params },
  );
  const clk = m.input('clk', 1, { role: 'clock' });
  const rst = m.input('rst', 1, { role: 'reset', doc: 'synchronous, active high (e.g. proc_sys_reset peripheral_reset)' });
  const shellConn: Record<string, Expr> = { clk, rst };
  const schedConn: Record<string, Expr> = { clk, rst };
  for (const p of shell.ports) {
    if (p.role !== 'data') continue;
    if (p.name.startsWith('s_axi_') || p.name === 'irq') {
      shellConn[p.name] = p.kind === 'input' ? m.input(p.name, p.width, { doc: p.doc }) : m.output(p.name, p.width, { doc: p.doc });
    } else {
      // Shell <-> scheduler wires, named after the scheduler's port.
      const wire = m.wire(`host_${p.name}`, p.width);
      shellConn[p.name] = wire;
      schedConn[p.name] = wire;
    }
  }
  for (const p of scheduler.ports) {
    if (p.role !== 'data' || p.name in schedConn) continue;
    if (p.name === 'time_skip_en') schedConn[p.name] = lit(0, 1);
    else if (p.name === 'time_skip') schedConn[p.name] = lit(1, p.width);
    else if (p.name === 'cmd_ready' || p.name === 'rsp_valid' || p.name === 'rsp_data') throw new Error(`internal: ${p.name} not connected`);
    else schedConn[p.name] = p.kind === 'input' ? m.input(p.name, p.width, { doc: p.doc }) : m.output(p.name, p.width, { doc: p.doc });
  }
  m.instance(shell, 'u_axi', shellConn);
  m.instance(scheduler, 'u_sched', schedConn);
  return { top: m.build(), shell };
}
