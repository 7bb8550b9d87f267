// Scheduler cases that check documented numbers literally, against verify/reference.ts (formulas
// written out again from hwgen/scheduler/README.md, not imported from the generator): the decision
// timing (t + 2, t + 17, N + 20, N + 37), the 1/k table through gamma and P, the 1/N table through every
// score, and the score's clamps. The RTL and the golden model share hwgen/scheduler/formats.ts, so a
// floored table or an extra update stage there keeps them in agreement; these checks disagree.
import type { SchedScript, ScriptVariant } from '../cosim/scheduler/driver.ts';
import type { SchedulerConfig } from '../hwgen/config/index.ts';
import { schedulerFormats } from '../hwgen/scheduler/golden.ts';
import { check, expectEqual } from './case-run.ts';
import { DOCUMENTED_TIMING as T, clamp, floorDiv, invKEntry, invNEntry, refGamma, refPred, refRatio, refScore, termWidth } from './reference.ts';
import { parseDecisions, type ParsedDecision, type SchedulerCase } from './scheduler-cases.ts';
import { minLayerCycles } from './scheduler-scenarios.ts';

/** Lines of one kind, split into fields (the kind letter dropped). */
function records(lines: readonly string[], kind: string): string[][] {
  return lines.filter((l) => l.startsWith(`${kind} `)).map((l) => l.split(' ').slice(1));
}

/**
 * The README's timing with literal numbers, on a log run without event stalls: a selection starts 17
 * cycles after the previous layer's done (unless the table emptied: then 2 after the admission), and
 * its event follows by (busiest unit's valid slots) + 20, so N + 37 after layer done with one unit.
 * Throws Mismatch at the first difference; returns how many latencies were checked against N + 37.
 */
export function checkDocumentedTiming(script: SchedScript, lines: readonly string[], units: number): number {
  const decisions = parseDecisions(lines);
  const occupied = new Set<number>();
  const layerOf = new Map<number, number>();
  let lastEnd: bigint | undefined;
  let emptied = false;
  let checked = 0;
  let i = 0;
  for (const line of lines) {
    // Only A, C and D lines matter; the S lines (most of a log) are passed over without splitting.
    const kind = line.charCodeAt(1) === 32 ? line[0] : '';
    if (kind === 'A') occupied.add(Number(line.split(' ')[2]));
    else if (kind === 'C') {
      occupied.delete(Number(line.split(' ')[1]));
      if (occupied.size === 0) emptied = true;
    } else if (kind === 'D') {
      const d = decisions[i]!;
      const perUnit = new Array<number>(units).fill(0);
      for (const slot of d.scores.keys()) perUnit[slot % units]!++;
      // Messages as functions: built only for a failure (this runs for every decision of a log).
      const k = i;
      expectEqual(d.tEvent - d.tSel, BigInt(Math.max(...perUnit) + T.selectToEvent), () => `decision ${k}: event - selection start (busiest unit's valid slots + ${T.selectToEvent})`);
      if (lastEnd !== undefined && !emptied) {
        expectEqual(d.tSel, lastEnd + BigInt(T.doneToSelect), () => `decision ${k}: selection start after the previous layer's done (+${T.doneToSelect})`);
        if (units === 1) expectEqual(d.tEvent - lastEnd, BigInt(d.scores.size + T.doneToEvent), () => `decision ${k}: decision latency from layer done (N + ${T.doneToEvent})`);
        checked++;
      }
      emptied = false;
      const layer = layerOf.get(d.req) ?? 0;
      layerOf.set(d.req, layer + 1);
      lastEnd = d.tEvent + script.requests[d.req]!.layers[layer]!.cycles;
      i++;
    }
  }
  return checked;
}

/** A variant of `runs` layers of `avg` cycles each; suffix sums clamped to latencyWidth as a host would. */
function variantOf(cfg: SchedulerConfig, index: number, nlayers: number, avg: bigint, mant: bigint, shift: number, runs: number): ScriptVariant {
  return {
    variant: index,
    nlayers,
    suffix0: clamp(avg * BigInt(runs), cfg.latencyWidth),
    layers: Array.from({ length: runs }, (_, l) => ({ mant, shift, suffixNext: clamp(avg * BigInt(runs - l - 1), cfg.latencyWidth) })),
  };
}

/** The cases; `verify` throws Mismatch when the RTL's log (already equal to the golden model's) breaks a documented number. */
export function literalCases(cfg: SchedulerConfig): SchedulerCase[] {
  const f = schedulerFormats(cfg);
  const min = minLayerCycles(cfg);
  // A reciprocal as a host would program it, chosen without the encoder under test: 2^(rw-1) >> shift.
  const mant = 1n << BigInt(cfg.recipWidth - 1);
  const e = Math.min(10, cfg.nnzWidth - 1);
  const shift = Math.max(0, Math.min(63, e + cfg.recipWidth - 1 - cfg.gammaFracBits));
  const nnzOne = 1n << BigInt(e);
  const start = 10_000n;
  const out: SchedulerCase[] = [];

  {
    // One request alone, then one per completion: t + 2 after the admission, N + 20 to the event,
    // t + 17 after each layer done, N + 37 from layer done to the next event.
    const v = variantOf(cfg, 0, 3, min + 40n, mant, shift, Math.min(3, f.maxLayers));
    const runs = v.layers.length;
    const requests = [0, 1].map((i) => ({ arrival: start + BigInt(i), variant: 0, deadline: 0n, scale: 0n, layers: Array.from({ length: runs }, (_, l) => ({ cycles: min + BigInt(7 * l + i), nnz: nnzOne })) }));
    const script: SchedScript = { start, variants: [v], requests };
    out.push({
      name: 'documented-timing',
      about: `the README's numbers as literals: selection at t + ${T.admitToSelect} after an admission into an empty block, t + ${T.doneToSelect} after layer done, event N + ${T.selectToEvent} after the selection, N + ${T.doneToEvent} from layer done`,
      script,
      verify: (lines) => {
        const ds = parseDecisions(lines);
        expectEqual(ds[0]!.tSel, start + BigInt(T.admitToSelect), `first selection start (arrival ${start} + ${T.admitToSelect})`);
        expectEqual(ds[0]!.tEvent - ds[0]!.tSel, BigInt(1 + T.selectToEvent), `first event after its selection (N = 1: 1 + ${T.selectToEvent})`);
        const checked = checkDocumentedTiming(script, lines, f.units);
        check(checked >= 2 * runs - 1, `decision latencies from layer done checked: ${checked}`);
      },
    });
  }

  {
    const L = f.maxLayers;
    const avg = min + 7n;
    const v = variantOf(cfg, 0, L, avg, mant, shift, L);
    const script: SchedScript = { start, variants: [v], requests: [{ arrival: start, variant: 0, deadline: 0n, scale: 0n, layers: Array.from({ length: L }, () => ({ cycles: min, nnz: nnzOne })) }] };
    out.push({
      name: 'inv-k-table',
      about: `gamma and P after each of 2^log2MaxLayers = ${L} layers against round(2^${cfg.invKFracBits} / k) written out in the test`,
      script,
      verify: (lines) => {
        const ratio = refRatio(cfg, nnzOne, mant, shift);
        const g = records(lines, 'G');
        expectEqual(g.length, L, 'read-backs (one per layer)');
        g.forEach((rec, i) => {
          const k = i + 1;
          const sum = ratio * BigInt(k);
          const gamma = refGamma(cfg, sum, k);
          expectEqual(BigInt(rec[5]!), sum, `ratio sum after layer ${k}`);
          expectEqual(BigInt(rec[3]!), gamma, `gamma after layer ${k} (round(2^${cfg.invKFracBits} / ${k}) = ${invKEntry(cfg, k)})`);
          expectEqual(BigInt(rec[4]!), refPred(cfg, gamma, avg * BigInt(L - k)), `P after layer ${k}`);
        });
      },
    });
  }

  {
    // A burst of 2^D + 1 requests: the first runs two layers, the others one, so the selections see
    // every N from 2^D down to 1. With nnz = 0 a task that has run has P = 0; one that has not has
    // P = suffix0 and its arrival as last run. The layer length makes the idle penalty large enough
    // that one step of a 1/N entry moves the score.
    const scaleMax = (1n << BigInt(cfg.penaltyScaleWidth)) - 1n;
    const idleMid = ((1n << BigInt(termWidth(cfg) - 3)) << BigInt(cfg.penaltyScaleFracBits + cfg.scoreShift)) / scaleMax;
    let layerCycles = idleMid / BigInt(Math.max(1, f.tasks / 2));
    if (layerCycles < min) layerCycles = min;
    // Without time-skip ports every cycle is simulated: keep the run short (the entries still count).
    if (!f.timeSkip && layerCycles > 20_000n) layerCycles = 20_000n;
    const suffix0 = 1000n;
    const one: ScriptVariant = { variant: 0, nlayers: 1, suffix0, layers: [{ mant, shift, suffixNext: 0n }] };
    const two: ScriptVariant = { variant: 1, nlayers: 2, suffix0, layers: [{ mant, shift, suffixNext: 500n }, { mant, shift, suffixNext: 0n }] };
    const requests = Array.from({ length: f.tasks + 1 }, (_, i) => ({ arrival: start, variant: i === 0 ? 1 : 0, deadline: 0n, scale: scaleMax, layers: Array.from({ length: i === 0 ? 2 : 1 }, () => ({ cycles: layerCycles, nnz: 0n })) }));
    out.push({
      name: 'inv-n-table',
      about: `every score with N = 1..${f.tasks} valid tasks against round(2^${cfg.invNFracBits} / N) written out in the test`,
      script: { start, variants: [one, two], requests },
      verify: (lines) => {
        const state = new Map<number, { pred: bigint; lastRun: bigint }>();
        const seen = new Set<number>();
        const decisions = parseDecisions(lines);
        let n = 0;
        let d: ParsedDecision | undefined;
        for (const line of lines) {
          const p = line.split(' ');
          if (p[0] === 'A') state.set(Number(p[2]), { pred: clamp(suffix0, cfg.latencyWidth), lastRun: start });
          else if (p[0] === 'G') state.set(Number(p[1]), { pred: BigInt(p[5]!), lastRun: BigInt(p[7]!) });
          else if (p[0] === 'D') {
            d = decisions[n++]!;
            seen.add(d.scores.size);
          } else if (p[0] === 'S') {
            const N = d!.scores.size;
            const task = { deadline: 0n, scale: scaleMax, ...state.get(Number(p[1]))! };
            expectEqual(BigInt(p[2]!), refScore(cfg, task, d!.tSel, N), `score of slot ${p[1]} with N = ${N} (round(2^${cfg.invNFracBits} / ${N}) = ${invNEntry(cfg, N)})`);
          }
        }
        for (let N = 1; N <= f.tasks; N++) check(seen.has(N), `a selection with N = ${N} valid tasks`);
      },
    });
  }

  {
    const tMax = (1n << BigInt(cfg.timeWidth)) - 1n;
    const v = variantOf(cfg, 0, 2, min + 100n, mant, shift, Math.min(2, f.maxLayers));
    const nnzMax = (1n << BigInt(cfg.nnzWidth)) - 1n;
    const scale = (1n << BigInt(cfg.penaltyScaleWidth)) - 1n;
    out.push({
      name: 'clamps-by-formula',
      about: 'a deadline at the end of time (urgency and score clamp) and the largest non-zero count (gamma clamps), against the README formulas',
      script: { start: 1000n, variants: [v], requests: [{ arrival: 1000n, variant: 0, deadline: tMax, scale, layers: v.layers.map((_, l) => ({ cycles: min, nnz: l === 0 ? nnzMax : 0n })) }] },
      verify: (lines) => {
        const d0 = parseDecisions(lines)[0]!;
        expectEqual(d0.score, refScore(cfg, { deadline: tMax, lastRun: 1000n, pred: clamp(v.suffix0, cfg.latencyWidth), scale }, d0.tSel, 1), 'first score (urgency clamped)');
        const g0 = records(lines, 'G')[0]!;
        expectEqual(BigInt(g0[3]!), refGamma(cfg, refRatio(cfg, nnzMax, mant, shift), 1), 'gamma after the largest count');
      },
    });
  }
  return out;
}

/** How many 1/k and 1/N entries a floored table would change (so a test can show the probes are sensitive). */
export function flooredEntriesDiffer(cfg: SchedulerConfig): { invK: number; invN: number } {
  const f = schedulerFormats(cfg);
  let invK = 0;
  let invN = 0;
  for (let k = 1; k <= f.maxLayers; k++) if (invKEntry(cfg, k) !== invKEntry(cfg, k, floorDiv)) invK++;
  for (let n = 1; n <= f.tasks; n++) if (invNEntry(cfg, n) !== invNEntry(cfg, n, floorDiv)) invN++;
  return { invK, invN };
}

