// The sweep report folder: summary.md (settings, ranking, tables), points.csv / points.json (every
// point), means.csv (per setting, mean over seeds) and SVG plots rendered headless by vega-lite.
// The folder follows the one output rule (output/index.ts): written to a temporary sibling and swapped
// in whole, so a failed run never leaves a half-written report, and an existing folder is replaced
// only if dysta wrote it.
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { writeOutputDir } from '../output/index.ts';
import { policyColor } from './plot-style.ts';
import { meanOverSeeds, type SettingMean, type SweepConfig, type SweepPoint } from './sweep.ts';

export interface ReportInput {
  readonly config: SweepConfig;
  readonly workloadName: string;
  readonly capacity: number;
  readonly points: readonly SweepPoint[];
  readonly elapsedSeconds: number;
  readonly threads: number;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export function lineChart(values: SettingMean[], y: 'violationRate' | 'antt', x: 'rate' | 'sloMult', facet: 'rate' | 'sloMult', title: string): TopLevelSpec {
  const label = { violationRate: 'SLO violation rate', antt: 'ANTT', rate: 'arrival rate (req/s)', sloMult: 'SLO multiplier' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: values as unknown as Record<string, unknown>[] },
    facet: { field: facet, type: 'ordinal', title: label[facet], columns: 3 },
    spec: {
      width: 220,
      height: 160,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: x, type: 'quantitative', title: label[x], scale: { zero: false } },
        y: { field: y, type: 'quantitative', title: label[y], scale: y === 'antt' ? { type: 'log' } : { domain: [0, 1] } },
        color: policyColor,
      },
    },
    resolve: { scale: { y: 'shared' } },
  } as TopLevelSpec;
}

export function tradeoffChart(values: SettingMean[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'SLO violation rate vs ANTT', subtitle: 'small: one setting (mean over seeds); large: mean per policy' },
    width: 520,
    height: 360,
    layer: [
      {
        data: { values: values as unknown as Record<string, unknown>[] },
        mark: { type: 'point', opacity: 0.45 },
        encoding: {
          x: { field: 'antt', type: 'quantitative', title: 'ANTT', scale: { type: 'log' } },
          y: { field: 'violationRate', type: 'quantitative', title: 'SLO violation rate' },
          color: policyColor,
        },
      },
      {
        data: { values: values as unknown as Record<string, unknown>[] },
        transform: [{ aggregate: [{ op: 'mean', field: 'antt', as: 'antt' }, { op: 'mean', field: 'violationRate', as: 'violationRate' }], groupby: ['policy'] }],
        mark: { type: 'point', filled: true, size: 160, stroke: 'black' },
        encoding: {
          x: { field: 'antt', type: 'quantitative' },
          y: { field: 'violationRate', type: 'quantitative' },
          color: policyColor,
        },
      },
    ],
  } as TopLevelSpec;
}

export const fmt = (x: number, digits = 4) => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

/** CSV with a header from the first row's keys; a field with a comma, quote or line break is quoted (RFC 4180). */
export function csvOf(rows: readonly object[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]);
  const field = (v: unknown) => {
    const s = v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map(field).join(',')];
  for (const r of rows) lines.push(columns.map((c) => field((r as Record<string, unknown>)[c])).join(','));
  return lines.join('\n') + '\n';
}

function markdownSummary(input: ReportInput, means: SettingMean[]): string {
  const { config, workloadName, capacity, points, elapsedSeconds, threads } = input;
  const policies = config.policies;
  const overall = policies.map((policy) => {
    const g = means.filter((m) => m.policy === policy);
    const avg = (f: (m: SettingMean) => number) => g.reduce((a, m) => a + f(m), 0) / g.length;
    return { policy, violationRate: avg((m) => m.violationRate), antt: avg((m) => m.antt), stp: avg((m) => m.stp), dispatches: avg((m) => m.dispatchesPerRequest) };
  });
  const ranked = [...overall].sort((a, b) => a.violationRate - b.violationRate || a.antt - b.antt);
  const midSlo = config.sloMults[Math.floor((config.sloMults.length - 1) / 2)];
  const midRate = config.rates[Math.floor((config.rates.length - 1) / 2)];
  const lines: string[] = [];
  lines.push(`# Scheduling sweep: ${workloadName}`, '');
  lines.push(`- Workload: \`${workloadName}\` (${config.source.kind === 'zoo' ? `built-in zoo${config.source.seed !== undefined ? `, zoo seed ${config.source.seed}` : ''}${config.source.samples !== undefined ? `, ${config.source.samples} samples per variant` : ''}` : `CSV folder ${config.source.dir}, seq-len ${config.source.seqLen}`}), capacity ${fmt(capacity, 2)} req/s (1 / mean isolated latency)`);
  lines.push(`- Arrival rates (req/s): ${config.rates.map((r) => fmt(r, 3)).join(', ')} (load ${config.rates.map((r) => fmt(r / capacity, 2)).join(', ')})`);
  lines.push(`- SLO multipliers: ${config.sloMults.join(', ')}; seeds: ${config.seeds.join(', ')}; ${config.requests} requests per trace`);
  lines.push(`- Policies: ${policies.join(', ')}; ${describeSettings(config)}`);
  lines.push(`- ${points.length} points in ${fmt(elapsedSeconds, 1)} s on ${threads} worker thread(s)`, '');
  lines.push('## Ranking (mean over every setting and seed)', '');
  lines.push('| policy | violation rate | ANTT | STP (inf/s) | dispatches/request |', '|---|---:|---:|---:|---:|');
  for (const r of ranked) lines.push(`| ${r.policy} | ${fmt(r.violationRate)} | ${fmt(r.antt, 3)} | ${fmt(r.stp, 2)} | ${fmt(r.dispatches, 3)} |`);
  lines.push('');
  const table = (title: string, value: (m: SettingMean) => number, rowKey: 'rate' | 'sloMult', fixed: Partial<Record<'rate' | 'sloMult', number>>, digits: number) => {
    const keys = rowKey === 'rate' ? config.rates : config.sloMults;
    lines.push(`## ${title}`, '');
    lines.push(`| policy | ${keys.map((k) => (rowKey === 'rate' ? `${fmt(k, 3)} req/s` : `SLO x${k}`)).join(' | ')} |`);
    lines.push(`|---|${keys.map(() => '---:').join('|')}|`);
    for (const policy of policies) {
      const cells = keys.map((k) => {
        const m = means.find((x) => x.policy === policy && x[rowKey] === k && Object.entries(fixed).every(([f, v]) => x[f as 'rate' | 'sloMult'] === v));
        return m ? fmt(value(m), digits) : '-';
      });
      lines.push(`| ${policy} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  };
  table(`Violation rate vs arrival rate (SLO multiplier ${midSlo})`, (m) => m.violationRate, 'rate', { sloMult: midSlo }, 4);
  table(`ANTT vs arrival rate (SLO multiplier ${midSlo})`, (m) => m.antt, 'rate', { sloMult: midSlo }, 3);
  table(`Violation rate vs SLO multiplier (arrival rate ${fmt(midRate, 3)} req/s)`, (m) => m.violationRate, 'sloMult', { rate: midRate }, 4);
  lines.push('## Files', '');
  lines.push('- `points.csv`, `points.json`: every (rate, SLO multiplier, seed, policy) point');
  lines.push('- `means.csv`: mean over seeds per (rate, SLO multiplier, policy)');
  lines.push('- `violation-vs-rate.svg`, `antt-vs-rate.svg`: per SLO multiplier; `violation-vs-slo.svg`: per arrival rate; `tradeoff.svg`: violation rate vs ANTT per policy');
  lines.push('');
  return lines.join('\n');
}

/** One line naming the policy parameters, predictor and switch cost of a sweep or study. */
export function describeSettings(config: SweepConfig): string {
  const p = config.params;
  const mhg = [p.sigma !== undefined ? `sigma ${p.sigma}` : '', p.lambda !== undefined ? `lambda ${p.lambda}` : '', p.tau !== undefined ? `tau ${p.tau}` : ''].filter(Boolean);
  const predictor =
    config.predictor === undefined
      ? "each policy's default predictor (average; regression for mhg)"
      : `predictor ${config.predictor}${config.predictor === 'last-n' ? ` (n = ${config.lastN})` : ''}`;
  const usesRegression = config.predictor === 'regression' || (config.predictor === undefined && config.policies.some((x) => x.startsWith('mhg')));
  return [
    `alpha ${p.alpha}, beta ${p.beta}`,
    mhg.length ? `mhg overrides: ${mhg.join(', ')}` : '',
    predictor,
    usesRegression ? `regression fit split ${config.fitSplit ?? 'parity'}` : '',
    `switch cost ${config.switchCost ?? 0} s`,
  ]
    .filter(Boolean)
    .join('; ');
}

/** Where a report folder goes and how it is named in messages (`--out`). */
export interface ReportTarget {
  readonly dir: string;
  /** The folder was not given (reports/<kind>-<workload>): its parent `reports/` may be created. */
  readonly isDefault: boolean;
}

/** Writes a report folder by the output rule; returns the paths of the files written. */
export function writeReportFolder(target: ReportTarget, files: Record<string, string>, kind: string): string[] {
  writeOutputDir(target.dir, Object.entries(files), kind, '--out', { parents: target.isDefault });
  return Object.keys(files).map((f) => join(target.dir, f));
}

/** Write the sweep's report folder (see the header for the rule). */
export async function writeSweepReport(target: ReportTarget, input: ReportInput): Promise<string[]> {
  const means = meanOverSeeds(input.config, input.points);
  const files: Record<string, string> = {
    'summary.md': markdownSummary(input, means),
    'points.csv': csvOf(input.points),
    'means.csv': csvOf(means),
    'points.json': JSON.stringify({ workload: input.workloadName, config: input.config, points: input.points }, null, 1) + '\n',
    'violation-vs-rate.svg': await renderSvg(lineChart(means, 'violationRate', 'rate', 'sloMult', 'SLO violation rate vs arrival rate')),
    'antt-vs-rate.svg': await renderSvg(lineChart(means, 'antt', 'rate', 'sloMult', 'ANTT vs arrival rate')),
    'violation-vs-slo.svg': await renderSvg(lineChart(means, 'violationRate', 'sloMult', 'rate', 'SLO violation rate vs SLO multiplier')),
    'tradeoff.svg': await renderSvg(tradeoffChart(means)),
  };
  return writeReportFolder(target, files, 'sweep-report');
}
