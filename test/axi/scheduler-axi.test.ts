// dysta_scheduler_axi (the real scheduler behind the AXI4-Lite shell) in Verilator, driven only through
// AXI with random stalls (write data before/after its address, bready/rready held low): table
// programming, admissions, decisions, layer completions through the NPU ports, read-backs. Every
// decision (slot, layer, t_sel, score), every admission slot and every read-back (last run, gamma, P)
// equals the scheduler's golden model replayed in the order the host saw. Register offsets are written
// here literally, as the documented map gives them. Two builds: dysta + gamma with two score units,
// and mhg + regression (coefficient banks and iso words written as commands, ADM_BANK per request).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSimulator } from '../../cosim/index.ts';
import { AxiLiteMaster } from '../../cosim/axi/master.ts';
import { shapeFromParameters, tableCommands } from '../../cosim/scheduler/driver.ts';
import { encodeInvIso, encodePenaltyScale, encodeReciprocal, generateDesign, GoldenScheduler, parseConfig, schedulerFormats, schedulerParams, writeDesign } from '../../hwgen/index.ts';
import { tempDir } from '../helpers.ts';
import { Rng } from './stimulus.ts';

const STATUS = 0x08, CMD_OP = 0x10, CMD_ADDR = 0x14, CMD_DATA0 = 0x18, CMD_GO = 0x24, RSP0 = 0x28;
const ADM_VARIANT = 0x40, ADM_DEADLINE_LO = 0x44, ADM_ARRIVAL_LO = 0x4c, ADM_SCALE_LO = 0x54, ADM_CTRL = 0x5c, ADM_RESULT = 0x60, ADM_BANK = 0x64;
const EV_INFO = 0x80, EV_TIME_LO = 0x84, EV_SCORE_LO = 0x8c, EV_POP = 0x94;

interface Event { kind: number; slot: number; layer: number; time: bigint; score: bigint }

describe('dysta_scheduler_axi: the scheduler through AXI4-Lite = golden model', () => {
  const root = tempDir();
  // The shell's width variants are covered by shell-vs-golden.test.ts; a small table (4 slots) keeps
  // the Verilator builds short.
  it.each([
    ['D=2, 2 score units', { scheduler: { log2Tasks: 2, selectorUnits: 2 } }],
    ['D=2, mhg + regression', { scheduler: { log2Tasks: 2, policy: 'mhg', predictor: 'regression' } }],
  ] as const)('%s', async (name, raw) => {
    const config = parseConfig(raw);
    const f = schedulerFormats(config.scheduler);
    const dir = join(root, name.replace(/\W/g, ''));
    writeDesign(generateDesign(config), dir);
    const sim = await buildSimulator({ rtlDir: dir, top: 'dysta_scheduler_axi', trace: 'none' });
    const s = await sim.start({ timeoutMs: 300_000 });
    const rng = new Rng(7);
    const axi = new AxiLiteMaster(s, { random: () => rng.int(1_000_000) / 1_000_000, readyStall: 0.3, maxSkew: 3 });
    const golden = new GoldenScheduler(config.scheduler);
    const queued: Event[] = [];
    try {
      for (const p of ['npu_layer_done', 'npu_count_ext', 'npu_count', 'npu_lane_valid', 'npu_lane_data']) void s.poke(p, 0);
      await axi.idle();
      await s.reset(2);

      const wr = async (addr: number, v: bigint | number) => expect(await axi.write(addr, BigInt(v) & 0xffffffffn)).toBe(0);
      const wr64 = async (addr: number, v: bigint) => {
        await wr(addr, v & 0xffffffffn);
        await wr(addr + 4, v >> 32n);
      };
      const rd = async (addr: number) => {
        const r = await axi.read(addr);
        expect(r.resp).toBe(0);
        return r.data;
      };
      const rd64 = async (addr: number) => (await rd(addr)) | ((await rd(addr + 4)) << 32n);
      const takeEvent = async () => {
        const info = await rd(EV_INFO);
        const ev: Event = { kind: Number((info >> 28n) & 3n), layer: Number((info >> 16n) & 0x3ffn), slot: Number(info & 0x3ffn), time: await rd64(EV_TIME_LO), score: await rd64(EV_SCORE_LO) };
        await wr(EV_POP, 1);
        queued.push(ev);
      };
      /** A command through the CMD registers; events arriving meanwhile are taken and queued. */
      const command = async (op: number, addr: number, data: bigint): Promise<bigint> => {
        await wr(CMD_OP, op);
        await wr(CMD_ADDR, addr);
        for (let i = 0; i < 3; i++) await wr(CMD_DATA0 + 4 * i, (data >> BigInt(32 * i)) & 0xffffffffn);
        await wr(CMD_GO, 1);
        for (;;) {
          const st = await rd(STATUS);
          if ((st & 1n) === 0n) break;
          if (st & 16n) await takeEvent();
        }
        return op >= 3 ? (await rd(RSP0)) | ((await rd(RSP0 + 4)) << 32n) : 0n;
      };
      const nextEvent = async (): Promise<Event> => {
        while (queued.length === 0) if ((await rd(STATUS)) & 16n) await takeEvent();
        return queued.shift()!;
      };

      // Identity and error responses.
      expect(await rd(0x00)).toBe(0x44595354n);
      expect(await axi.write(0x00, 1)).toBe(2);
      expect((await axi.read(0xfc)).resp).toBe(2);

      // Two variants: 3 layers and 2 layers (latencies in cycles, expected non-zeros per layer).
      const variants = [
        { lat: [60n, 45n, 30n], expected: [400, 250, 120] },
        { lat: [50n, 70n], expected: [300, 90] },
      ];
      // The host's words for each variant (tableCommands: the cosim host's own encoder), sent through CMD_*.
      const shape = shapeFromParameters(schedulerParams(f));
      for (const [v, spec] of variants.entries()) {
        const layers = spec.lat.map((_, l) => ({ recip: encodeReciprocal(f, spec.expected[l]!), suffixNext: spec.lat.slice(l + 1).reduce((a, b) => a + b, 0n) }));
        const suffix0 = spec.lat.reduce((a, b) => a + b, 0n);
        // Regression: bank 0 a = the suffix sums, b = 0 (P as gamma = 1); bank 1 leans on gamma.
        const suffix = [suffix0, ...layers.map((l) => l.suffixNext)];
        const coeffs = f.regression ? [{ a: suffix, b: suffix.map(() => 0n) }, { a: suffix.map((x) => x / 2n), b: suffix.map((x, k) => (k === 0 ? 0n : x / 2n)) }] : undefined;
        const iso = f.mhg ? { iso: suffix0, invIso: encodeInvIso(f, suffix0) } : {};
        golden.program(v, { nlayers: spec.lat.length, suffix0, layers, ...(coeffs ? { coeffs } : {}), ...iso });
        const words = tableCommands({ variant: v, nlayers: spec.lat.length, suffix0, layers: layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })), ...(coeffs ? { coeffs } : {}), ...iso }, shape);
        for (const w of words) {
          const [, op, addr, hex] = w.split(' ');
          await command(Number(op), Number(addr), BigInt(`0x${hex}`));
        }
      }

      const requests = [
        { variant: 0, deadline: 3000n, arrival: 0n, scale: encodePenaltyScale(f, 135n), bank: 0 },
        { variant: 1, deadline: 900n, arrival: 5n, scale: encodePenaltyScale(f, 120n), bank: 1 },
        { variant: 0, deadline: 5000n, arrival: 9n, scale: encodePenaltyScale(f, 135n), bank: 1 },
        { variant: 1, deadline: 700n, arrival: 20n, scale: encodePenaltyScale(f, 120n), bank: 0 },
      ];
      const admit = async (r: (typeof requests)[number]) => {
        await wr(ADM_VARIANT, r.variant);
        await wr64(ADM_DEADLINE_LO, r.deadline);
        await wr64(ADM_ARRIVAL_LO, r.arrival);
        await wr64(ADM_SCALE_LO, r.scale);
        if (f.regression) await wr(ADM_BANK, r.bank);
        await wr(ADM_CTRL, 1);
        while (((await rd(STATUS)) & 8n) === 0n) ;
        const slot = Number((await rd(ADM_RESULT)) & 0xffffn);
        expect(slot).toBe(golden.admit({ ...r, bank: f.regression ? r.bank : 0 }));
      };

      await admit(requests[0]!);
      let admitted = 1;
      let completed = 0;
      let decisions = 0;
      const nnzOf = (k: number) => BigInt(100 + ((k * 97) % 400));
      while (completed < requests.length) {
        const ev = await nextEvent();
        if (ev.kind === 2) {
          completed++;
          continue;
        }
        expect(ev.kind).toBe(1);
        const d = golden.select(ev.time);
        expect({ slot: ev.slot, layer: ev.layer, score: ev.score }).toEqual({ slot: d.slot, layer: d.layer, score: d.score });
        decisions++;
        // While the layer runs (scheduler waiting), admit the next requests.
        while (admitted < requests.length && admitted <= decisions) await admit(requests[admitted++]!);
        for (let c = 0; c < 20 + ((decisions * 13) % 40); c++) await s.tick(1);
        const nnz = nnzOf(decisions);
        await s.poke('npu_layer_done', 1);
        await s.poke('npu_count_ext', 1);
        await s.poke('npu_count', nnz);
        await s.tick(1);
        await s.poke('npu_layer_done', 0);
        await s.poke('npu_count_ext', 0);
        // The host reads back when the layer ended (the task's last run), then gamma and P.
        const tDone = await command(3, d.slot, 4n);
        const out = golden.layerDone(tDone, nnz);
        expect(await command(3, d.slot, 1n)).toBe(golden.task(out.slot)!.gamma);
        expect(await command(3, d.slot, 2n)).toBe(golden.task(out.slot)!.pred);
      }
      expect(decisions).toBe(3 + 2 + 3 + 2);
      expect(axi.cycles).toBeGreaterThan(1000);
    } finally {
      await s.close();
    }
  });
});
