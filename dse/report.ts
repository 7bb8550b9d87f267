// The DSE report, written into the output folder beside points/ and logs/: summary.md (every point,
// the Pareto fronts, the time split, failures with their logs), points.csv, points.json, one config
// file per point (`dysta gen-rtl --config configs/<id>.json` rebuilds it), and SVG plots rendered
// headless by vega-lite (the same renderer as the sweep reports).
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { writeOutputDir, writeOutputFile } from '../output/index.ts';
import { csvOf, fmt, renderSvg } from '../sw-scheduler/report.ts';
import { paretoFront, type Objective } from './pareto.ts';
import type { Plan } from './plan.ts';
import type { PointResult } from './point.ts';

/** A point as the report sees it: its result, or why it has none. */
export interface ReportPoint {
  index: number;
  id: string;
  label: string;
  axes: Record<string, number | string>;
  result?: PointResult;
  /** 'ok' | 'failed' | 'mismatch', or 'missing' when the process left no result. */
  status: string;
  error?: string;
  /** Log path relative to the output folder. */
  log: string;
  /** True when the result came from an earlier run (--resume). */
  reused: boolean;
}

export interface ReportInput {
  plan: Plan;
  points: ReportPoint[];
  executor: string;
  workers: string;
  wallSeconds: number;
}

/** A measured value of an ok point (undefined otherwise). */
const measured = (f: (r: PointResult) => number | null | undefined) => (p: ReportPoint) => (p.status === 'ok' && p.result ? (f(p.result) ?? undefined) : undefined);
const lut = measured((r) => r.measurements.synth?.LUT);
const violation = measured((r) => r.measurements.rtl?.summary.violationRate);
const latency = measured((r) => r.measurements.rtl?.summary.decisionLatencyMaxCycles);
const estimatedMHz = measured((r) => r.measurements.synth?.worstPath?.estimatedMHz);
const ice40MHz = measured((r) => r.measurements.ice40?.fmaxMHz);

/** One Pareto front of the report: two objectives, a file name, axis titles. */
interface FrontSpec {
  key: string;
  file: string;
  title: string;
  x: { title: string; value: (p: ReportPoint) => number | undefined; goal: 'min' | 'max'; digits: number };
  y: { title: string; value: (p: ReportPoint) => number | undefined; goal: 'min' | 'max'; digits: number };
}

function fronts(plan: Plan): FrontSpec[] {
  const out: FrontSpec[] = [];
  const latencyAxis = { title: 'decision latency, max (cycles, RTL)', value: latency, goal: 'min' as const, digits: 0 };
  if (plan.measure.rtl && plan.measure.synth) {
    const t = plan.measure.synth.target;
    out.push({
      key: 'areaViolation',
      file: 'pareto-area-violation.svg',
      title: 'Area vs SLO violation rate',
      x: { title: `area: LUTs (Yosys synth_xilinx, ${t})`, value: lut, goal: 'min', digits: 0 },
      y: { title: 'SLO violation rate (RTL)', value: violation, goal: 'min', digits: 4 },
    });
    out.push({
      key: 'fmaxLatency',
      file: 'pareto-fmax-latency.svg',
      title: `Fmax (estimated from the worst path, ${t}) vs decision latency`,
      x: { title: `Fmax estimate (MHz, ${t} worst path)`, value: estimatedMHz, goal: 'max', digits: 1 },
      y: latencyAxis,
    });
  }
  if (plan.measure.rtl && plan.measure.ice40) {
    const t = plan.measure.ice40.target;
    out.push({
      key: 'ice40FmaxLatency',
      file: 'pareto-ice40-fmax-latency.svg',
      title: `Fmax (placed and routed, ${t}) vs decision latency`,
      x: { title: `Fmax (MHz, nextpnr-ice40, ${t})`, value: ice40MHz, goal: 'max', digits: 1 },
      y: latencyAxis,
    });
  }
  return out;
}

function frontOf(points: readonly ReportPoint[], f: FrontSpec): ReportPoint[] {
  const objectives: Objective<ReportPoint>[] = [
    { value: f.x.value, goal: f.x.goal },
    { value: f.y.value, goal: f.y.goal },
  ];
  return paretoFront(points, objectives);
}

function row(p: ReportPoint, plan: Plan, onFronts: Record<string, Set<number>>): Record<string, unknown> {
  const r = p.result;
  const s = r?.measurements.rtl?.summary;
  const y = r?.measurements.synth;
  const i = r?.measurements.ice40;
  return {
    index: p.index,
    id: p.id,
    label: p.label,
    ...Object.fromEntries(plan.axes.map((a) => [a.name, p.axes[a.name]])),
    status: p.status,
    LUT: y?.LUT,
    FF: y?.FF,
    DSP: y?.DSP,
    BRAM: y?.BRAM,
    fits: y?.fits,
    worstPathNs: y?.worstPath?.delayNs,
    estimatedMHz: y?.worstPath?.estimatedMHz,
    worstPathLutLevels: y?.worstPath?.lutLevels,
    ice40LUT: i?.LUT,
    ice40Fits: i?.fits,
    ice40FmaxMHz: i?.fmaxMHz ?? undefined,
    violationRate: s?.violationRate,
    floatViolationRate: s?.floatViolationRate,
    antt: s?.antt,
    floatAntt: s?.floatAntt,
    stp: s?.stp,
    decisionLatencyMeanCycles: s?.decisionLatencyMeanCycles,
    decisionLatencyMaxCycles: s?.decisionLatencyMaxCycles,
    rtlVsGolden: s?.rtlVsGolden,
    goldenVsFloat: s?.goldenVsFloat,
    decisions: s?.decisions,
    refusals: s?.refusals,
    ...Object.fromEntries(Object.entries(onFronts).map(([k, set]) => [`pareto_${k}`, set.has(p.index)])),
    secondsGenerate: r?.seconds.generate,
    secondsBuild: r?.seconds.build,
    secondsSimulate: r?.seconds.simulate,
    secondsCheck: r?.seconds.check,
    secondsSynth: r?.seconds.synth,
    secondsIce40: r?.seconds.ice40,
    secondsTotal: r?.seconds.total,
    buildCached: r?.cached.build,
    synthCached: r?.cached.synth,
    reused: p.reused,
    error: p.error,
    log: p.log,
  };
}

const opt = (x: number | null | undefined, digits: number) => (x === undefined || x === null ? '-' : fmt(x, digits));
const int = (x: number | undefined) => (x === undefined ? '-' : String(x));

function paretoChart(points: ReportPoint[], front: ReportPoint[], f: FrontSpec, subtitle: string): TopLevelSpec {
  const onFront = new Set(front.map((p) => p.index));
  const at = (p: ReportPoint) => ({ label: p.label, x: f.x.value(p), y: f.y.value(p) });
  const values = points.filter((p) => f.x.value(p) !== undefined && f.y.value(p) !== undefined).map((p) => ({ ...at(p), front: onFront.has(p.index) ? 'Pareto front' : 'dominated' }));
  const frontValues = front.map(at);
  const x = { field: 'x', type: 'quantitative', title: f.x.title, scale: { zero: false } } as const;
  const y = { field: 'y', type: 'quantitative', title: f.y.title, scale: { zero: false } } as const;
  // The staircase of the front: from each point, level in the y objective until the next one's x.
  const interpolate = (f.x.goal === 'min') === (f.y.goal === 'min') ? 'step-after' : 'step-before';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: f.title, subtitle },
    width: 560,
    height: 360,
    layer: [
      { data: { values: frontValues }, mark: { type: 'line', interpolate, color: '#888', strokeDash: [4, 3] }, encoding: { x, y } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: { x, y, color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#d62728', '#9e9e9e'] } } },
      },
      { data: { values: frontValues }, mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

const PHASES = ['generate', 'build', 'simulate', 'check', 'synth', 'ice40'] as const;

function timeChart(points: ReportPoint[], plan: Plan): TopLevelSpec {
  const phases = PHASES.filter((k) => k !== 'ice40' || plan.measure.ice40);
  const values = points.flatMap((p) => (p.result ? phases.map((phase) => ({ label: `${p.index}: ${p.label}`, index: p.index, phase, seconds: p.result!.seconds[phase] ?? 0 })) : []));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Time per point', subtitle: `wall seconds by phase (build: Verilator; check: golden + float models${plan.measure.ice40 ? '; ice40: synthesis, place and route' : ''})` },
    width: 480,
    data: { values },
    mark: 'bar',
    encoding: {
      y: { field: 'label', type: 'nominal', sort: { field: 'index' }, title: null, axis: { labelLimit: 360 } },
      x: { field: 'seconds', type: 'quantitative', stack: 'zero', title: 'seconds' },
      color: { field: 'phase', type: 'nominal', sort: [...phases], scale: { domain: [...phases] }, title: 'phase' },
      order: { field: 'phase', sort: 'ascending' },
    },
  } as TopLevelSpec;
}

function describeMeasure(plan: Plan): string[] {
  const out: string[] = [];
  const m = plan.measure;
  if (m.rtl) {
    const w = plan.workloads.map((x) => x.label).join(', ');
    const set = (f: (s: Plan['scenarios'][number]) => number) => [...new Set(plan.scenarios.map(f))].join(', ');
    out.push(
      `RTL: every configuration runs ${plan.scenarios.length} trace(s) (workloads ${w}; loads ${set((s) => s.load)}; SLO x${set((s) => s.sloMult)}; seeds ${set((s) => s.seed)}; ${plan.requests} requests each) through the scheduler RTL in Verilator with a trace NPU; every decision, score and read-back is compared with the fixed-point golden model, and the float \`dysta\` policy runs the same trace`,
    );
  }
  if (m.synth) out.push(`synthesis: Yosys \`synth_xilinx\` (${m.synth.target}) of \`${m.synth.top}\`: LUT / FF / DSP / BRAM, fit, and the worst register-to-register path with its delay estimated by the per-cell model of fpga/`);
  if (m.ice40) {
    const when = Object.entries(m.ice40.when).map(([k, v]) => `${k} in {${v.join(', ')}}`).join(' and ');
    out.push(`iCE40: Yosys \`synth_ice40\` and nextpnr-ice40 (${m.ice40.target}) of \`${m.ice40.top}\` (through its out-of-context wrapper) at \`scheduler.clockMHz\`: the placed and routed Fmax${when ? `, for the points with ${when}` : ''}`);
  }
  return out;
}

function markdown(input: ReportInput, frontList: { spec: FrontSpec; front: ReportPoint[] }[]): string {
  const { plan, points } = input;
  const m = plan.measure;
  const count = (s: string) => points.filter((p) => p.status === s).length;
  const L: string[] = [];
  L.push(`# Design-space exploration: ${plan.name}`, '');
  if (plan.description) L.push(plan.description, '');
  L.push(`- ${points.length} configuration(s)${plan.axes.length ? ` over ${plan.axes.map((a) => `\`${a.name}\` (${a.values.join(', ')})`).join(' x ')}` : ''}`);
  for (const d of describeMeasure(plan)) L.push(`- ${d}`);
  L.push(`- executor: ${input.executor} (${input.workers}); ${fmt(input.wallSeconds, 1)} s wall; ${points.filter((p) => !p.reused).length} point(s) measured, ${points.filter((p) => p.reused).length} reused from an earlier run (--resume)`);
  L.push(`- status: ${count('ok')} ok, ${count('mismatch')} RTL/golden mismatch, ${count('failed') + count('missing')} failed`);
  if (plan.skipped.length) L.push(`- left out (invalid configurations, \`skipInvalid\`): ${plan.skipped.map((s) => `${s.label} (${s.reason})`).join('; ')}`);
  if (plan.duplicates.length) L.push(`- measured once (same configuration): ${plan.duplicates.map((d) => `${d.label} = ${d.sameAs}`).join('; ')}`);
  L.push('');

  for (const { spec: f, front } of frontList) {
    L.push(`## Pareto front: ${f.title}`, '');
    if (front.length === 0) {
      L.push('No ok point has both measurements.', '');
      continue;
    }
    L.push(`![${f.title}](${f.file})`, '');
    L.push(`| point | ${f.x.title} | ${f.y.title} |`, '|---|---:|---:|');
    for (const p of front) L.push(`| ${p.label} | ${opt(f.x.value(p), f.x.digits)} | ${opt(f.y.value(p), f.y.digits)} |`);
    L.push('');
  }

  L.push('## All points', '');
  const head = ['#', 'point', 'status'];
  if (m.synth) head.push('LUT', 'FF', 'DSP', 'BRAM', 'worst path (ns)', 'est. MHz');
  if (m.ice40) head.push('iCE40 LUT', 'iCE40 Fmax (MHz)');
  if (m.rtl) head.push('violation (RTL)', 'violation (float)', 'ANTT (RTL)', 'decision latency mean / max (cycles)', 'RTL = golden', 'golden ~ float', 'refused admissions');
  if (frontList.length) head.push('on fronts');
  L.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`);
  for (const p of points) {
    const s = p.result?.measurements.rtl?.summary;
    const y = p.result?.measurements.synth;
    const i = p.result?.measurements.ice40;
    const cells = [String(p.index), p.label, p.status];
    if (m.synth) cells.push(int(y?.LUT), int(y?.FF), int(y?.DSP), int(y?.BRAM), opt(y?.worstPath?.delayNs, 2), opt(y?.worstPath?.estimatedMHz, 1));
    if (m.ice40) cells.push(int(i?.LUT), i ? (i.fits ? opt(i.fmaxMHz, 1) : 'does not fit') : '-');
    if (m.rtl) {
      cells.push(opt(s?.violationRate, 4), opt(s?.floatViolationRate, 4), opt(s?.antt, 3), s ? `${fmt(s.decisionLatencyMeanCycles, 1)} / ${s.decisionLatencyMaxCycles}` : '-');
      cells.push(s ? (s.rtlVsGolden === 1 && p.status !== 'mismatch' ? 'yes' : `NO (${fmt(s.rtlVsGolden, 4)})`) : '-', opt(s?.goldenVsFloat, 4), int(s?.refusals));
    }
    if (frontList.length) cells.push(frontList.map((f, k) => (f.front.some((q) => q.index === p.index) ? String(k + 1) : '')).filter(Boolean).join(', '));
    L.push(`| ${cells.join(' | ')} |`);
  }
  if (frontList.length) L.push('', `On fronts: ${frontList.map((f, k) => `${k + 1} = ${f.spec.title}`).join('; ')}.`);
  L.push('');

  L.push('## Time per point', '', '![time per point](time-split.svg)', '');
  L.push('Wall seconds. build: Verilator (0.1-3 s when the content-addressed cache already holds the simulator); simulate: the RTL runs; check: trace generation, golden and float models; synth / iCE40: Yosys (and nextpnr), 0 when the synthesis cache holds the result.', '');
  const phases = PHASES.filter((k) => k !== 'ice40' || m.ice40);
  L.push(`| # | point | ${phases.join(' | ')} | total |`, `|---|---|${phases.map(() => '---:').join('|')}|---:|`);
  const sums: Record<string, number> = Object.fromEntries([...phases, 'total'].map((k) => [k, 0]));
  for (const p of points.filter((q) => q.result)) {
    const t = p.result!.seconds;
    const c = p.result!.cached as Record<string, boolean>;
    for (const k of [...phases, 'total'] as const) sums[k]! += t[k] ?? 0;
    const cellOf = (k: (typeof phases)[number]) => `${fmt(t[k] ?? 0, 1)}${c[k] ? ' (cached)' : ''}`;
    L.push(`| ${p.index} | ${p.label}${p.reused ? ' (reused)' : ''} | ${phases.map(cellOf).join(' | ')} | ${fmt(t.total, 1)} |`);
  }
  L.push(`| | sum | ${phases.map((k) => fmt(sums[k]!, 1)).join(' | ')} | ${fmt(sums.total!, 1)} |`, '');

  const bad = points.filter((p) => p.status !== 'ok');
  if (bad.length) {
    L.push('## Failed points', '');
    for (const p of bad) L.push(`- ${p.index} ${p.label} (${p.status}): ${p.error ?? 'no error message'}; log: \`${p.log}\``);
    L.push('');
  }
  L.push('## Files', '');
  L.push('- `points.csv`, `points.json`: every point (points.json holds each full result: per-trace metrics, agreement, synthesis, timings)');
  L.push('- `points/<id>.json`: one result per point, named by the first 16 hex digits of its content hash; `logs/<id>.log`: its log');
  L.push('- `configs/<id>.json`: the configuration of each point (`dysta gen-rtl --config configs/<id>.json`)');
  L.push('- `plan.json`: the expanded spec, hashes and tool versions (what `dysta dse-point` reads)');
  L.push(`- ${[...frontList.map((f) => `\`${f.spec.file}\``), '`time-split.svg`'].join(', ')}`, '');
  return L.join('\n');
}

/** Writes the report files into `outDir` (each atomically); returns the summary's text. */
export async function writeReport(outDir: string, input: ReportInput): Promise<string> {
  const frontList = fronts(input.plan).map((spec) => ({ spec, front: frontOf(input.points, spec) }));
  const onFronts = Object.fromEntries(frontList.map((f) => [f.spec.key, new Set(f.front.map((p) => p.index))]));
  const rows = input.points.map((p) => row(p, input.plan, onFronts));
  const summary = markdown(input, frontList);
  const subtitle = `${input.plan.name}: RTL figures are means over ${input.plan.scenarios.length} trace(s); dashed: Pareto front`;
  const files: [string, string][] = [
    ['summary.md', summary],
    ['points.csv', csvOf(rows)],
    [
      'points.json',
      JSON.stringify(
        {
          name: input.plan.name,
          axes: input.plan.axes,
          workloads: input.plan.workloads,
          scenarios: input.plan.scenarios,
          requests: input.plan.requests,
          measure: input.plan.measure,
          tools: input.plan.tools,
          pareto: Object.fromEntries(frontList.map((f) => [f.spec.key, f.front.map((p) => p.id)])),
          points: input.points.map((p) => ({ index: p.index, id: p.id, label: p.label, axes: p.axes, status: p.status, error: p.error, log: p.log, reused: p.reused, result: p.result })),
        },
        null,
        1,
      ) + '\n',
    ],
    ['time-split.svg', await renderSvg(timeChart(input.points, input.plan))],
  ];
  for (const f of frontList) files.push([f.spec.file, await renderSvg(paretoChart(input.points, f.front, f.spec, subtitle))]);
  for (const [name, text] of files) await writeOutputFile(join(outDir, name), text, `report file ${name}`);
  writeOutputDir(
    join(outDir, 'configs'),
    input.plan.points.map((p) => [`${p.id}.json`, JSON.stringify(p.config, null, 2) + '\n'] as [string, string]),
    'dse configs',
    'configs folder',
  );
  return summary;
}
