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

const area: Objective<ReportPoint> = { value: (p) => (p.status === 'ok' ? p.result?.measurements.synth?.LUT : undefined), goal: 'min' };
const violation: Objective<ReportPoint> = { value: (p) => (p.status === 'ok' ? p.result?.measurements.rtl?.summary.violationRate : undefined), goal: 'min' };

export function areaViolationFront(points: readonly ReportPoint[]): ReportPoint[] {
  return paretoFront(points, [area, violation]);
}

function row(p: ReportPoint, front: Set<number>, plan: Plan): Record<string, unknown> {
  const r = p.result;
  const s = r?.measurements.rtl?.summary;
  const y = r?.measurements.synth;
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
    paretoAreaViolation: front.has(p.index),
    secondsGenerate: r?.seconds.generate,
    secondsBuild: r?.seconds.build,
    secondsSimulate: r?.seconds.simulate,
    secondsCheck: r?.seconds.check,
    secondsSynth: r?.seconds.synth,
    secondsTotal: r?.seconds.total,
    buildCached: r?.cached.build,
    synthCached: r?.cached.synth,
    reused: p.reused,
    error: p.error,
    log: p.log,
  };
}

const opt = (x: number | undefined, digits: number) => (x === undefined ? '-' : fmt(x, digits));
const int = (x: number | undefined) => (x === undefined ? '-' : String(x));

function paretoChart(points: ReportPoint[], front: ReportPoint[], subtitle: string): TopLevelSpec {
  const onFront = new Set(front.map((p) => p.index));
  const values = points
    .filter((p) => area.value(p) !== undefined && violation.value(p) !== undefined)
    .map((p) => ({ label: p.label, LUT: area.value(p), violationRate: violation.value(p), front: onFront.has(p.index) ? 'Pareto front' : 'dominated' }));
  const frontValues = front.map((p) => ({ label: p.label, LUT: area.value(p), violationRate: violation.value(p) }));
  const x = { field: 'LUT', type: 'quantitative', title: 'area: LUTs (Yosys synth_xilinx)', scale: { zero: false } } as const;
  const y = { field: 'violationRate', type: 'quantitative', title: 'SLO violation rate (RTL)' } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Area vs SLO violation rate', subtitle },
    width: 560,
    height: 360,
    layer: [
      { data: { values: frontValues }, mark: { type: 'line', interpolate: 'step-after', color: '#888', strokeDash: [4, 3] }, encoding: { x, y } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 90 },
        encoding: { x, y, color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#d62728', '#9e9e9e'] } } },
      },
      { data: { values: frontValues }, mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, text: { field: 'label' } } },
    ],
  } as TopLevelSpec;
}

function timeChart(points: ReportPoint[]): TopLevelSpec {
  const phases = ['generate', 'build', 'simulate', 'check', 'synth'] as const;
  const values = points.flatMap((p) => (p.result ? phases.map((phase) => ({ label: `${p.index}: ${p.label}`, index: p.index, phase, seconds: p.result!.seconds[phase] })) : []));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Time per point', subtitle: 'wall seconds by phase (build: Verilator; check: golden + float models)' },
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
  if (plan.measure.rtl) {
    const w = plan.workloads.map((x) => x.label).join(', ');
    out.push(
      `RTL: every configuration runs ${plan.scenarios.length} trace(s) (workloads ${w}; loads ${[...new Set(plan.scenarios.map((s) => s.load))].join(', ')}; SLO x${[...new Set(plan.scenarios.map((s) => s.sloMult))].join(', ')}; seeds ${[...new Set(plan.scenarios.map((s) => s.seed))].join(', ')}; ${plan.requests} requests each) through the scheduler RTL in Verilator with a trace NPU; every decision, score and read-back is compared with the fixed-point golden model, and the float \`dysta\` policy runs the same trace`,
    );
  }
  if (plan.measure.synth) out.push(`synthesis: Yosys \`synth_xilinx\` (${plan.measure.synth.target}) of \`${plan.measure.synth.top}\`: LUT / FF / DSP / BRAM`);
  return out;
}

function markdown(input: ReportInput, front: ReportPoint[]): string {
  const { plan, points } = input;
  const onFront = new Set(front.map((p) => p.index));
  const count = (s: string) => points.filter((p) => p.status === s).length;
  const L: string[] = [];
  L.push(`# Design-space exploration: ${plan.name}`, '');
  if (plan.description) L.push(plan.description, '');
  L.push(`- ${points.length} configuration(s)${plan.axes.length ? ` over ${plan.axes.map((a) => `\`${a.name}\` (${a.values.join(', ')})`).join(' x ')}` : ''}`);
  for (const m of describeMeasure(plan)) L.push(`- ${m}`);
  L.push(`- executor: ${input.executor} (${input.workers}); ${fmt(input.wallSeconds, 1)} s wall; ${points.filter((p) => !p.reused).length} point(s) measured, ${points.filter((p) => p.reused).length} reused from an earlier run (--resume)`);
  L.push(`- status: ${count('ok')} ok, ${count('mismatch')} RTL/golden mismatch, ${count('failed') + count('missing')} failed`);
  if (plan.skipped.length) L.push(`- left out (invalid configurations, \`skipInvalid\`): ${plan.skipped.map((s) => `${s.label} (${s.reason})`).join('; ')}`);
  if (plan.duplicates.length) L.push(`- measured once (same configuration): ${plan.duplicates.map((d) => `${d.label} = ${d.sameAs}`).join('; ')}`);
  L.push('');

  const hasSynth = Boolean(plan.measure.synth);
  const hasRtl = plan.measure.rtl;
  if (hasSynth && hasRtl) {
    L.push('## Pareto front: area vs SLO violation rate', '');
    if (front.length === 0) L.push('No point has both measurements.', '');
    else {
      L.push('![area vs violation rate](pareto-area-violation.svg)', '');
      L.push('| point | LUT | FF | DSP | BRAM | violation rate | ANTT | decision latency max (cycles) |', '|---|---:|---:|---:|---:|---:|---:|---:|');
      for (const p of front) {
        const s = p.result!.measurements.rtl!.summary;
        const y = p.result!.measurements.synth!;
        L.push(`| ${p.label} | ${y.LUT} | ${y.FF} | ${y.DSP} | ${y.BRAM} | ${fmt(s.violationRate)} | ${fmt(s.antt, 3)} | ${s.decisionLatencyMaxCycles} |`);
      }
      L.push('');
    }
  }
  L.push('## All points', '');
  const head = ['#', 'point', 'status'];
  if (hasSynth) head.push('LUT', 'FF', 'DSP', 'BRAM');
  if (hasRtl) head.push('violation (RTL)', 'violation (float)', 'ANTT (RTL)', 'decision latency mean / max (cycles)', 'RTL = golden', 'golden ~ float', 'refused admissions');
  if (hasSynth && hasRtl) head.push('Pareto');
  L.push(`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 3 ? '---' : '---:')).join('|')}|`);
  for (const p of points) {
    const s = p.result?.measurements.rtl?.summary;
    const y = p.result?.measurements.synth;
    const cells = [String(p.index), p.label, p.status];
    if (hasSynth) cells.push(int(y?.LUT), int(y?.FF), int(y?.DSP), int(y?.BRAM));
    if (hasRtl) {
      cells.push(opt(s?.violationRate, 4), opt(s?.floatViolationRate, 4), opt(s?.antt, 3), s ? `${fmt(s.decisionLatencyMeanCycles, 1)} / ${s.decisionLatencyMaxCycles}` : '-');
      cells.push(s ? (s.rtlVsGolden === 1 && p.status !== 'mismatch' ? 'yes' : `NO (${fmt(s.rtlVsGolden, 4)})`) : '-', opt(s?.goldenVsFloat, 4), int(s?.refusals));
    }
    if (hasSynth && hasRtl) cells.push(onFront.has(p.index) ? '*' : '');
    L.push(`| ${cells.join(' | ')} |`);
  }
  L.push('');

  L.push('## Time per point', '', '![time per point](time-split.svg)', '');
  L.push('Wall seconds. build: Verilator (0.1-3 s when the content-addressed cache already holds the simulator); simulate: the RTL runs; check: trace generation, golden and float models; synth: Yosys (0 when the synthesis cache holds the result).', '');
  L.push('| # | point | generate | build | simulate | check | synth | total |', '|---|---|---:|---:|---:|---:|---:|---:|');
  const measured = points.filter((p) => p.result);
  const sums = { generate: 0, build: 0, simulate: 0, check: 0, synth: 0, total: 0 };
  for (const p of measured) {
    const t = p.result!.seconds;
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k] += t[k];
    const mark = (v: number, cachedFlag: boolean) => `${fmt(v, 1)}${cachedFlag ? ' (cached)' : ''}`;
    L.push(`| ${p.index} | ${p.label}${p.reused ? ' (reused)' : ''} | ${fmt(t.generate, 1)} | ${mark(t.build, p.result!.cached.build)} | ${fmt(t.simulate, 1)} | ${fmt(t.check, 1)} | ${mark(t.synth, p.result!.cached.synth)} | ${fmt(t.total, 1)} |`);
  }
  L.push(`| | sum | ${fmt(sums.generate, 1)} | ${fmt(sums.build, 1)} | ${fmt(sums.simulate, 1)} | ${fmt(sums.check, 1)} | ${fmt(sums.synth, 1)} | ${fmt(sums.total, 1)} |`, '');

  const bad = points.filter((p) => p.status !== 'ok');
  if (bad.length) {
    L.push('## Failed points', '');
    for (const p of bad) L.push(`- ${p.index} ${p.label} (${p.status}): ${p.error ?? 'no error message'}; log: \`${p.log}\``);
    L.push('');
  }
  L.push('## Not measured', '');
  L.push('- iCE40 Fmax and the worst register-to-register path: the `dysta synth` targets and the path estimator (issue 13) are not wired into the DSE yet, so there is no Fmax vs decision latency front.', '');
  L.push('## Files', '');
  L.push('- `points.csv`, `points.json`: every point (points.json holds each full result: per-trace metrics, agreement, timings)');
  L.push('- `points/<id>.json`: one result per point, named by the first 16 hex digits of its content hash; `logs/<id>.log`: its log');
  L.push('- `configs/<id>.json`: the configuration of each point (`dysta gen-rtl --config configs/<id>.json`)');
  L.push('- `plan.json`: the expanded spec, hashes and tool versions (what `dysta dse-point` reads)');
  L.push(`- ${plan.measure.rtl && plan.measure.synth ? '`pareto-area-violation.svg`, ' : ''}\`time-split.svg\``, '');
  return L.join('\n');
}

/** Writes the report files into `outDir` (each atomically); returns the summary's text. */
export async function writeReport(outDir: string, input: ReportInput): Promise<string> {
  const front = areaViolationFront(input.points);
  const frontSet = new Set(front.map((p) => p.index));
  const rows = input.points.map((p) => row(p, frontSet, input.plan));
  const summary = markdown(input, front);
  const subtitle = `${input.plan.name}: mean over ${input.plan.scenarios.length} trace(s); dashed: Pareto front`;
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
          pareto: { areaViolation: front.map((p) => p.id) },
          points: input.points.map((p) => ({ index: p.index, id: p.id, label: p.label, axes: p.axes, status: p.status, error: p.error, log: p.log, reused: p.reused, result: p.result })),
        },
        null,
        1,
      ) + '\n',
    ],
    ['time-split.svg', await renderSvg(timeChart(input.points))],
  ];
  if (input.plan.measure.rtl && input.plan.measure.synth) files.push(['pareto-area-violation.svg', await renderSvg(paretoChart(input.points, front, subtitle))]);
  for (const [name, text] of files) await writeOutputFile(join(outDir, name), text, `report file ${name}`);
  writeOutputDir(
    join(outDir, 'configs'),
    input.plan.points.map((p) => [`${p.id}.json`, JSON.stringify(p.config, null, 2) + '\n'] as [string, string]),
    'dse configs',
    'configs folder',
  );
  return summary;
}
