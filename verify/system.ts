// Suite `system`: the integrated loop (`dysta system`) on a few configurations: the design under
// test at two loads on the tiny random CNNs, the trained MNIST networks on real test digits (layers
// wider than the lanes run as several passes, the widest classifier's reduction is split over the
// weight buffer), and a variant with an 8-lane array, a 4-entry task table (admissions are refused
// and retried), 2 score units and no time-skip ports. The scheduler RTL decides, the PE
// array RTL computes each decided layer from the RTL's own outputs of the previous one; the whole
// log (decisions, scores, read-backs, layer cycles, monitor counts, completions, counters) and every
// output value must equal the system golden model's. Two contract cases drive the design under test
// cycle by cycle (system-contract.ts): npu_go without a decision, and time skips requested in every
// cycle (npu_busy must gate them) with beats offered after every layer's last row.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SystemSim, type SystemRun } from '../cosim/system/driver.ts';
import { buildWorkload, generateDesign, parseConfig, runSystemGolden, systemSetup, writeDesign, type HwConfig, type SystemWorkload } from '../hwgen/index.ts';
import { compareLogs, describeDifference } from '../compare/log-diff.ts';
import { schedulerFormats } from '../hwgen/scheduler/formats.ts';
import { VARIANTS } from '../models/architectures.ts';
import { buildMnistWorkload } from '../models/system.ts';
import { Mismatch, runOnSimulator } from './case-run.ts';
import { goWithoutDecision, prepareSkips, skipsAndExtraBeats, type SkipsWorkload } from './system-contract.ts';
import { instrumented, traceFlavour, type CaseResult, type PlannedCase, type PlannedSuite } from './types.ts';

interface SystemCase extends PlannedCase {
  /** Overrides of the design under test; none = that design itself. */
  variant?: { peArray?: Record<string, number>; scheduler?: Record<string, number> };
  requests: number;
  load: number;
  /** The trained MNIST variants on test digits instead of the tiny random CNNs. */
  mnist?: boolean;
  /** A cycle-level contract case instead of a workload run. */
  run?: (sim: SystemSim, config: HwConfig) => Promise<{ checked: number; simCycles: number }>;
  /** Work of a contract case that needs no simulator (its workload), done before the simulator opens. */
  prepare?: (config: HwConfig) => void;
}

/** The small-table variant: the same as test/system's, so the suite and the tests share a build. */
export const SMALL_SYSTEM = { peArray: { lanes: 8, weightDepth: 128, maxRows: 1024 }, scheduler: { log2Tasks: 2, selectorUnits: 2, timeSkip: 0 } };

function systemCases(config: HwConfig, seed: number): SystemCase[] {
  const d = config.scheduler.log2Tasks;
  let skips: SkipsWorkload | undefined;
  const skipsWorkload = (cfg: HwConfig) => (skips ??= prepareSkips(cfg, seed + 2));
  return [
    { name: 'configured', about: `the design under test (${config.peArray.lanes} lanes, ${2 ** d}-entry table): 20 requests at load 1.1`, requests: 20, load: 1.1 },
    { name: 'configured-light', about: 'the design under test at load 0.6: the table empties and refills', requests: 12, load: 0.6 },
    // The nine MNIST variants need nine variant slots; a design with fewer cannot run them.
    ...(schedulerFormats(config.scheduler).variants >= VARIANTS.length
      ? [{ name: 'mnist', about: `the ${VARIANTS.length} trained MNIST CNNs on real test digits (multi-pass layers, a split classifier reduction): 12 requests at load 1.0`, requests: 12, load: 1.0, mnist: true }]
      : []),
    { name: 'go-without-decision', about: 'npu_go with no decision pending starts nothing', requests: 0, load: 0, run: (sim) => goWithoutDecision(sim) },
    { name: 'skips-and-extra-beats', about: 'a time skip requested in every cycle, honoured only while the scheduler waits and the PE array is idle; beats after every last row refused', requests: 2, load: 2, prepare: skipsWorkload, run: (sim, cfg) => skipsAndExtraBeats(sim, cfg, skipsWorkload(cfg)) },
    { name: 'small-table', about: '8 lanes, 4-entry table, 2 score units, no time skip: 24 requests at load 1.3, admissions refused and retried', variant: SMALL_SYSTEM, requests: 24, load: 1.3 },
  ];
}

/** True when two layers' outputs ([pass][row][lane]) are equal. */
function sameOutputs(a: readonly (readonly (readonly number[])[])[] | undefined, b: readonly (readonly (readonly number[])[])[] | undefined): boolean {
  if (!a || !b || a.length !== b.length) return false;
  for (let p = 0; p < a.length; p++) {
    const ra = a[p]!;
    const rb = b[p]!;
    if (ra.length !== rb.length) return false;
    for (let r = 0; r < ra.length; r++) {
      const la = ra[r]!;
      const lb = rb[r]!;
      if (la.length !== lb.length) return false;
      for (let j = 0; j < la.length; j++) if (la[j] !== lb[j]) return false;
    }
  }
  return true;
}

/** Decisions sent ahead of the RTL's in runPredicted: the passes and runs to the next decision of this many at once. */
const PREDICTED_WINDOW = 8;

/**
 * The RTL run with the golden run's decisions predicted: the passes of the next PREDICTED_WINDOW
 * golden decisions and the runs to the decision after each go out as one pipelined batch (one
 * round trip per window instead of per decision), then each reply is checked in order: the decision
 * must be the golden one and the layer's outputs the golden ones. While they are, the commands are
 * exactly those of the host that waits for every decision (its passes are computed from outputs
 * equal to the golden model's), so the log is the same. At the first difference the rest of the
 * window has run on a wrong guess: undefined is returned and the caller runs the case again,
 * waiting for each decision (sys_setup starts from reset).
 */
async function runPredicted(
  sim: SystemSim,
  wl: SystemWorkload,
  gold: ReturnType<typeof runSystemGolden>,
  goldPasses: ReadonlyMap<string, ReturnType<SystemWorkload['passes']>>,
): Promise<SystemRun | undefined> {
  const predicted = gold.lines.filter((l) => l.startsWith('D ')).map((l) => {
    const d = l.split(' ');
    return { req: Number(d[4]), layer: Number(d[5]) };
  });
  const lines: string[] = [];
  const outputs: number[][][][][] = wl.requests.map(() => []);
  const inFlight: Promise<unknown>[] = [];
  const settle = async () => {
    await Promise.allSettled(inFlight);
    return undefined;
  };
  const setup = sim.setup(systemSetup(wl));
  let next = sim.next();
  inFlight.push(setup, next);
  await setup;
  for (let k = 0; ; ) {
    const window = predicted.slice(k, k + PREDICTED_WINDOW).map((d) => {
      const passes = goldPasses.get(`${d.req}/${d.layer}`);
      if (!passes?.length) return undefined;
      const sent = passes.map((p, i) => sim.pass(p, i === passes.length - 1));
      const after = sim.next();
      inFlight.push(...sent, after);
      for (const x of [...sent, after]) x.catch(() => {}); // seen below, or settled when the guess was wrong
      return { d, sent, after };
    });
    for (const w of window) {
      const step = await next.catch(() => undefined);
      if (!step || !w || step.decision?.req !== w.d.req || step.decision.layer !== w.d.layer) return settle();
      lines.push(...step.lines);
      const results = await Promise.all(w.sent).catch(() => undefined);
      if (!results) return settle();
      for (const r of results) lines.push(...r.lines);
      const layerOutputs = results.map((r) => r.outputs);
      if (!sameOutputs(layerOutputs, gold.outputs[w.d.req]![w.d.layer])) return settle();
      outputs[w.d.req]![w.d.layer] = layerOutputs;
      next = w.after;
    }
    k += window.length;
    if (k < predicted.length) continue;
    const end = await next.catch(() => undefined);
    if (!end || end.decision) return settle();
    lines.push(...end.lines);
    return { lines, outputs, decisions: predicted.length };
  }
}

/** Lines of a `dysta_system` log of one kind. */
const count = (lines: readonly string[], kind: string) => lines.reduce((n, l) => (l.startsWith(kind + ' ') ? n + 1 : n), 0);

export function planSystem(config: HwConfig, o: { seed: number }): PlannedSuite {
  const cases = systemCases(config, o.seed);
  // The workload and its golden run of each case, computed once: the X-pessimism passes run the
  // same cases on another build of the same design and compare against the same expectations.
  const prepared = new Map<string, { wl: SystemWorkload; gold: ReturnType<typeof runSystemGolden>; goldPasses: Map<string, ReturnType<SystemWorkload['passes']>> }>();
  const prepare = (c: SystemCase, cfg: HwConfig) => {
    if (c.run) return c.prepare?.(cfg);
    const key = `${c.name} ${JSON.stringify(cfg)}`;
    if (prepared.has(key)) return;
    const wl = c.mnist
      ? buildMnistWorkload(cfg, { variants: VARIANTS.map((v) => v.name), requests: c.requests, seed: o.seed, load: c.load })
      : buildWorkload(cfg, { requests: c.requests, seed: o.seed, load: c.load });
    // The golden run computes every layer's passes from the golden outputs of the layers before:
    // kept, they are the RTL run's passes too while its outputs equal the golden model's.
    const goldPasses = new Map<string, ReturnType<SystemWorkload['passes']>>();
    const gold = runSystemGolden({ ...wl, passes: (req, layer, previous) => {
      const passes = wl.passes(req, layer, previous);
      goldPasses.set(`${req}/${layer}`, passes);
      return passes;
    } });
    prepared.set(key, { wl, gold, goldPasses });
  };
  return {
    suite: 'system',
    cases: cases.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = cases.filter((c) => selected.has(c.name));
      const results: CaseResult[] = [];
      // One simulator per design: the cases on the design under test share one.
      const groups = new Map<string, SystemCase[]>();
      for (const c of chosen) groups.set(c.variant ? c.name : '', [...(groups.get(c.variant ? c.name : '') ?? []), c]);
      for (const [key, group] of groups) {
        let rtlDir = ctx.rtlDir;
        let cfg = config;
        const variant = group[0]!.variant;
        if (variant) {
          rtlDir = join(ctx.workDir, `system-${key}`);
          cfg = parseConfig({ peArray: { ...config.peArray, ...variant.peArray }, scheduler: { ...config.scheduler, ...variant.scheduler } }, `the system suite's ${key} configuration`);
        }
        // The workloads and their golden runs (the MNIST networks on real digits: seconds) need no
        // simulator: done before it opens, not while it waits.
        for (const c of group) prepare(c, cfg);
        const trace = traceFlavour(group.map((c) => ctx.waveFor('system', c.name)));
        ctx.progress(`system: opening the dysta_system simulator${variant ? ` (${key} configuration)` : ''} (built once per design, then cached)`);
        const ran = await runOnSimulator('system', 'layers', group, {
          open: async () => {
            if (variant && !existsSync(rtlDir)) writeDesign(generateDesign(cfg), rtlDir);
            const { build, start } = instrumented(ctx, 'system', !variant);
            return SystemSim.open(rtlDir, { trace, log: ctx.progress, ...build, start });
          },
          onCase: ctx.onCase,
          stopAfterFailure: ctx.stopAfterFailure,
          afterFailure: (sim) => sim.session.reset(2).then(() => {}),
          run: async (sim, c) => {
            const wave = ctx.waveFor('system', c.name);
            if (c.run) {
              if (wave) await sim.session.waveOn(resolve(wave));
              try {
                return { ...(await c.run(sim, cfg)), ...(wave ? { waveform: wave } : {}) };
              } finally {
                if (wave) await sim.session.waveOff();
              }
            }
            prepare(c, cfg);
            const { wl, gold, goldPasses } = prepared.get(`${c.name} ${JSON.stringify(cfg)}`)!;
            // A layer's input is computed from the RTL's own outputs of the layers before it; while
            // those equal the golden model's (compared here as each decision comes), the passes
            // the golden run computed from them are the same and are used as they are.
            const asGolden = wl.requests.map(() => true);
            const provider = (req: number, layer: number, previous: readonly number[][][][]) => {
              if (layer > 0 && asGolden[req]) asGolden[req] = sameOutputs(previous[layer - 1], gold.outputs[req]![layer - 1]);
              return (asGolden[req] && goldPasses.get(`${req}/${layer}`)) || wl.passes(req, layer, previous);
            };
            // Without a waveform the golden decisions are sent ahead (runPredicted); if the RTL
            // decides otherwise or computes other outputs, the case runs again decision by decision.
            const run = (!wave && (await runPredicted(sim, wl, gold, goldPasses))) || (await sim.run(systemSetup(wl), provider, wave ? { wave: resolve(wave) } : {}));
            const cmp = compareLogs(run.lines, gold.lines);
            const last = run.lines.at(-1) ?? '';
            const figures = {
              checked: count(run.lines, 'L'),
              simCycles: last.startsWith('K ') ? Number(last.split(' ').at(-1)) : 0,
              data: { requests: c.requests, load: c.load, refusals: count(run.lines, 'B'), logLines: run.lines.length },
              ...(wave ? { waveform: wave } : {}),
              ...(run.gtkw ? { gtkw: run.gtkw } : {}),
            };
            if (!cmp.identical) {
              const message = `RTL log differs from the system golden model at line ${cmp.first!.line + 1} of ${cmp.goldenLines}: RTL "${cmp.first!.rtl ?? '(end)'}", golden "${cmp.first!.golden ?? '(end)'}"`;
              return { ...figures, mismatch: new Mismatch(message, describeDifference(cmp)) };
            }
            for (let r = 0; r < wl.requests.length; r++) {
              for (let l = 0; l < wl.requests[r]!.nlayers; l++) {
                if (!sameOutputs(run.outputs[r]?.[l], gold.outputs[r]![l])) {
                  return { ...figures, mismatch: new Mismatch(`request ${r} layer ${l}: the PE array's outputs differ from the golden model's`) };
                }
              }
            }
            return figures;
          },
        });
        results.push(...ran);
      }
      // Report in the planned order.
      return chosen.map((c) => results.find((r) => r.name === c.name)!);
    },
  };
}
