// A zoo trace as a scheduler cosim script: what the host programs (variant and layer tables, the
// regression's coefficient banks, MHG's iso words and registers) and what a trace NPU replays (each
// layer's cycles and non-zero count), so the RTL runs the same requests as the float model. And the
// metrics of a run from its log (finish times of the C lines), to put beside the float model's.
import type { SchedScript } from '../cosim/scheduler/driver.ts';
import { layersRun, schedulerFormats, type MhgParamsQ, type SchedulerConfig } from '../hwgen/index.ts';
import { compileTrace, computeMetrics, generatePoissonTrace, getPolicy, getPredictor, simulate, workloadCapacity, zooWorkload } from '../sw-scheduler/index.ts';
import { encode } from './hw-agreement.ts';
import { plainTrace } from './hw-agreement-command.ts';

export interface ZooRun {
  script: SchedScript;
  /** Per request: arrival, deadline and true isolated latency in cycles (the float model's isoReal). */
  arrival: bigint[];
  deadline: bigint[];
  isoReal: bigint[];
  /** The float model on the same trace: its policy (dysta, mhg, mhg_vio) and predictor. */
  float: { violationRate: number; antt: number };
}

export interface ZooRunOptions {
  workload: string;
  requests: number;
  load: number;
  sloMult: number;
  seed: number;
  /** dysta, mhg or mhg_vio (the latter two: scheduler.policy = "mhg" and these registers). */
  policy: 'dysta' | 'mhg' | 'mhg_vio';
  mhgParams?: MhgParamsQ;
}

export function zooRun(cfg: SchedulerConfig, o: ZooRunOptions): ZooRun {
  const workload = zooWorkload(o.workload);
  const rate = o.load * workloadCapacity(workload);
  const trace = generatePoissonTrace(workload, { rate, count: o.requests, seed: o.seed, sloMult: o.sloMult });
  const compiled = compileTrace(workload, trace, o.sloMult);
  const predictor = cfg.predictor === 'regression' ? getPredictor('regression') : getPredictor('average');
  const float = computeMetrics(simulate(compiled, getPolicy(o.policy), { predictor }));
  const { variants, req } = plainTrace(compiled);
  const e = encode(cfg, variants, req);
  const f = schedulerFormats(cfg);
  // Table programming takes one cycle per command: the trace starts after it.
  const commands = e.tables.reduce((a, t) => a + 1 + t.layers.length + (t.coeffs ? f.coeffBanks * t.layers.length : 0) + (f.mhg ? 1 : 0), 3);
  const t0 = BigInt(commands + 100);
  const script: SchedScript = {
    start: t0,
    variants: e.tables.map((t, v) => ({
      variant: v,
      nlayers: t.nlayers,
      suffix0: t.suffix0,
      layers: t.layers.map((l) => ({ mant: l.recip.mant, shift: l.recip.shift, suffixNext: l.suffixNext })),
      ...(t.coeffs ? { coeffs: t.coeffs } : {}),
      ...(f.mhg ? { iso: t.iso!, invIso: t.invIso! } : {}),
    })),
    requests: Array.from({ length: req.count }, (_, i) => {
      const v = req.variant[i]!;
      if (layersRun(f, e.tables[v]!.nlayers) !== e.latency[i]!.length) throw new RangeError(`variant ${v} has more layers than scheduler.log2MaxLayers allows`);
      return {
        arrival: t0 + e.arrival[i]!,
        variant: v,
        deadline: t0 + e.deadline[i]!,
        scale: e.scale[i]!,
        ...(f.regression ? { bank: e.bank[i]! } : {}),
        layers: e.latency[i]!.map((cycles, l) => ({ cycles, nnz: e.nnz[i]![l]! })),
      };
    }),
    ...(o.mhgParams ? { mhgParams: o.mhgParams } : {}),
  };
  return { script, arrival: e.arrival.map((a) => t0 + a), deadline: e.deadline.map((d) => t0 + d), isoReal: e.latency.map((ls) => ls.reduce((a, b) => a + b, 0n)), float: { violationRate: float.violationRate, antt: float.antt } };
}

/** Violation rate and ANTT of a run from its log: C lines give each request's finish cycle. */
export function logMetrics(lines: readonly string[], run: Pick<ZooRun, 'arrival' | 'deadline' | 'isoReal'>): { violationRate: number; antt: number; completed: number } {
  const finish = new Map<number, bigint>();
  for (const l of lines) {
    if (!l.startsWith('C ')) continue;
    const p = l.split(' ');
    finish.set(Number(p[2]), BigInt(p[3]!));
  }
  let late = 0;
  let norm = 0;
  for (const [i, t] of finish) {
    if (t > run.deadline[i]!) late++;
    norm += Number(t - run.arrival[i]!) / Number(run.isoReal[i]!);
  }
  return { violationRate: late / finish.size, antt: norm / finish.size, completed: finish.size };
}
