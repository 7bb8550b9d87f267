// Suite `trace`: workload traces through the scheduler RTL with the trace NPU, beside the golden
// model and the float policy (compare/trace-cosim.ts). By default the CNN and attention zoos, 300
// Poisson requests each at load 1.0 (the accelerator's capacity: queues build up); or one workload (`--workload`, `--csv-dir`)
// with a generated or saved trace (`--trace`). Inputs are loaded and checked against the hardware
// before anything runs, so a bad input is one clear error, not a failed case.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { SchedulerSim } from '../cosim/scheduler/driver.ts';
import type { HwConfig } from '../hwgen/index.ts';
import { formatTraceReport, runTraceCosim } from '../compare/trace-cosim.ts';
import { traceScript, type TraceScript } from '../compare/trace-script.ts';
import { ZOO, compileTrace, generatePoissonTrace, importCsvFolder, readTraceFile, workloadCapacity, zooWorkload, type CompiledTrace, type Workload } from '../sw-scheduler/index.ts';
import { Mismatch, runOnSimulator } from './case-run.ts';
import { traceFlavour, type PlannedSuite } from './types.ts';

export const TRACE_DEFAULTS = { requests: 300, load: 1.0, sloMult: 10, workloads: ['cnn', 'attention'] } as const;

export interface TraceSource {
  workload: { kind: 'zoo'; name: string } | { kind: 'csv'; dir: string; seqLen: number };
  requests: { kind: 'poisson'; count: number; seed: number; rate?: number; load?: number } | { kind: 'file'; path: string };
  /** Overrides the trace's own SLO multiplier (a saved trace) or the default 10 (a generated one). */
  sloMult?: number;
}

export interface PreparedTrace {
  name: string;
  about: string;
  workload: Workload;
  compiled: CompiledTrace;
  script: TraceScript;
}

/** The zoo whose variants include every variant a saved trace names (so `--trace` alone works). */
function zooForTrace(path: string): string {
  let names: string[];
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { requests?: { variant?: unknown }[] };
    names = (raw.requests ?? []).map((r) => String(r.variant));
  } catch {
    return 'cnn'; // readTraceFile then reports what is wrong with the file
  }
  return ZOO.find((z) => names.every((n) => zooWorkload(z.name).variantByName.has(n)))?.name ?? 'cnn';
}

function loadWorkloadOf(source: TraceSource): Workload {
  return source.workload.kind === 'zoo' ? zooWorkload(source.workload.name) : importCsvFolder(source.workload.dir, { seqLen: source.workload.seqLen });
}

/** Loads every source, builds its trace and checks it fits the configured scheduler (throws a user error otherwise). */
export function prepareTraces(config: HwConfig, sources: readonly TraceSource[]): PreparedTrace[] {
  const used = new Set<string>();
  return sources.map((source) => {
    const workload = loadWorkloadOf(source);
    let compiled: CompiledTrace;
    let about: string;
    let name: string;
    if (source.requests.kind === 'file') {
      const trace = readTraceFile(source.requests.path, workload);
      compiled = compileTrace(workload, trace, source.sloMult ?? trace.sloMult);
      about = `trace ${source.requests.path} (${trace.requests.length} requests) on ${workload.name}, SLO x${compiled.sloMult}`;
      name = `trace-${basename(source.requests.path).replace(/\.json$/i, '')}`;
    } else {
      const r = source.requests;
      const capacity = workloadCapacity(workload);
      const rate = r.rate ?? (r.load ?? TRACE_DEFAULTS.load) * capacity;
      const sloMult = source.sloMult ?? TRACE_DEFAULTS.sloMult;
      compiled = compileTrace(workload, generatePoissonTrace(workload, { rate, count: r.count, seed: r.seed, sloMult }));
      about = `${r.count} Poisson requests of ${workload.name} at ${rate.toPrecision(4)} req/s (load ${(rate / capacity).toFixed(2)}), seed ${r.seed}, SLO x${sloMult}`;
      name = source.workload.kind === 'zoo' ? workload.name : `csv-${basename(resolve(source.workload.dir))}`;
    }
    let unique = name;
    for (let k = 2; used.has(unique); k++) unique = `${name}-${k}`;
    used.add(unique);
    return { name: unique, about, workload, compiled, script: traceScript(config.scheduler, workload, compiled) };
  });
}

/** The default sources: the built-in zoos, Poisson at load 1.0. */
export function defaultTraceSources(seed: number, o: { requests?: number; load?: number; rate?: number; sloMult?: number } = {}): TraceSource[] {
  return TRACE_DEFAULTS.workloads.map((name) => ({
    workload: { kind: 'zoo', name },
    requests: { kind: 'poisson', count: o.requests ?? TRACE_DEFAULTS.requests, seed, rate: o.rate, load: o.load },
    sloMult: o.sloMult,
  }));
}

/** Which zoo a saved trace belongs to when no workload is named. */
export function workloadForTraceFile(path: string): TraceSource['workload'] {
  return { kind: 'zoo', name: zooForTrace(path) };
}

export function planTrace(config: HwConfig, prepared: readonly PreparedTrace[], o: { scoreReads?: boolean } = {}): PlannedSuite {
  return {
    suite: 'trace',
    cases: prepared.map(({ name, about }) => ({ name, about })),
    async run(ctx, selected) {
      const chosen = prepared.filter((c) => selected.has(c.name));
      if (!chosen.length) return [];
      const trace = traceFlavour(chosen.map((c) => ctx.waveFor('trace', c.name)));
      ctx.progress(`trace: opening the dysta_scheduler simulator (D = ${config.scheduler.log2Tasks}; built once per design, then cached)`);
      return runOnSimulator('trace', 'decisions', chosen, {
        open: () => SchedulerSim.open(ctx.rtlDir, { trace, log: ctx.progress }),
        onCase: ctx.onCase,
        run: async (sim, c) => {
          const wave = ctx.waveFor('trace', c.name);
          const report = await runTraceCosim({
            cfg: config.scheduler,
            sim,
            workload: c.workload,
            compiled: c.compiled,
            script: c.script,
            scoreReads: o.scoreReads,
            ...(wave ? { wave: resolve(wave) } : {}),
            progress: (line) => ctx.progress(`trace ${c.name}: ${line}`),
          });
          const figures = {
            checked: report.decisions,
            simCycles: report.simCycles,
            data: { ...report, text: formatTraceReport(report) } as unknown as Record<string, unknown>,
            ...(report.waveform ? { waveform: report.waveform } : {}),
            ...(report.gtkw ? { gtkw: report.gtkw } : {}),
          };
          if (report.agreement.rtlVsGolden !== 1 || report.firstDifference) {
            const first = report.firstDifference?.split('\n').slice(1, 3).map((l) => l.trim()).join('; ') ?? '';
            return { ...figures, mismatch: new Mismatch(`RTL vs golden ${(100 * report.agreement.rtlVsGolden).toFixed(3)}% of decisions identical; ${first}`, `${report.firstDifference}\n  RTL log: ${report.log}`) };
          }
          return figures;
        },
      });
    },
  };
}

