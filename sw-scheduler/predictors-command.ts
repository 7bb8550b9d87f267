// `dysta predictors`: held-out RMSE of every predictor of remaining latency on a workload, as a table
// on stdout and a report folder (summary.md, rmse.csv, by-fraction.csv, error-vs-fraction.svg)
// written atomically. Takes well under a second on the built-in zoo, plus ~0.5 s to load vega.
import type { Argv, CommandModule } from 'yargs';
import { checkOutputFile, namesStandardOutput, writeOutputFile } from '../output/index.ts';
import { OUTPUT_RULE_HELP, checkReportTarget, formatTable, reportTarget, workloadOptions, workloadSource, type WorkloadArgs } from './command-options.ts';
import { SchedulerInputError } from './errors.ts';
import { EVAL_FRACTIONS, evaluatePredictors, type PredictorEvaluation, type PredictorRow } from './predictor-eval.ts';
import { DEFAULT_LAST_N_WINDOW } from './predictors.ts';
import { DEFAULT_FIT_SPLIT, FIT_SPLIT_NAMES, getFitSplit, regressionFallbacks } from './regression.ts';
import { loadWorkload } from './sweep.ts';

interface PredictorsArgs extends WorkloadArgs {
  'last-n': number;
  'fit-split': string;
  out?: string;
  json?: string;
}

const pct = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const rowCells = (r: PredictorRow) => [r.predictor, pct(r.overall), pct(r.afterFirstLayer), pct(r.at25), pct(r.at50), pct(r.at75)];
const HEADER = ['predictor', 'overall', 'after >= 1 layer', ...EVAL_FRACTIONS.map((f) => `at ${f * 100}%`)];

function errorCurveSpec(e: PredictorEvaluation) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `Remaining-latency prediction error: ${e.workload}`, subtitle: `${e.heldOut ? 'held-out' : 'in-sample'} samples, RMSE as % of the variant's mean isolated latency, per bin of layers executed` },
    width: 520,
    height: 320,
    data: { values: e.byFraction.filter((b) => Number.isFinite(b.rmse) && b.rmse > 0) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'fraction', type: 'quantitative', title: 'fraction of layers executed (bin centre)', scale: { domain: [0, 1] } },
      y: { field: 'rmse', type: 'quantitative', title: 'RMSE (% of mean isolated latency)', scale: { type: 'log' } },
      color: { field: 'predictor', type: 'nominal', sort: null, title: 'predictor' },
    },
  };
}

function summary(e: PredictorEvaluation, notes: string[], command: string): string {
  const lines = [`# Predictors of remaining latency: ${e.workload}`, ''];
  lines.push(`Command: \`${command}\``, '');
  lines.push(
    `RMSE of P_k - R_k over every layer boundary k = 0..L-1 (k layers executed) of ${e.samplesEvaluated} ${e.heldOut ? 'held-out' : 'in-sample'} samples, in % of the variant's mean isolated latency; "at f" is k = round(f * L). Regression split \`${e.fitSplit}\` (${getFitSplit(e.fitSplit).description}); last-n window ${e.lastN}.`,
    '',
  );
  for (const n of notes) lines.push(`- note: ${n}`);
  if (notes.length) lines.push('');
  const md = (rows: readonly PredictorRow[]) => [`| ${HEADER.join(' | ')} |`, `|---|${HEADER.slice(1).map(() => '---:').join('|')}|`, ...rows.map((r) => `| ${rowCells(r).join(' | ')} |`)];
  lines.push('## All variants', '', ...md(e.rows), '');
  for (const v of e.perVariant) lines.push(`## ${v.variant} (${v.layers} layers, ${v.samples} samples)`, '', ...md(v.rows), '');
  lines.push('Plot: `error-vs-fraction.svg`; numbers: `rmse.csv` (per variant), `by-fraction.csv`.', '');
  return lines.join('\n');
}

export const predictorsCommand: CommandModule<object, PredictorsArgs> = {
  builder: (y) =>
    workloadOptions(y)
      .option('last-n', { type: 'number', default: DEFAULT_LAST_N_WINDOW, describe: 'window of the last-n predictor (layers)' })
      .option('fit-split', { type: 'string', choices: FIT_SPLIT_NAMES, default: DEFAULT_FIT_SPLIT, describe: "regression's training split; samples it holds out are the ones evaluated ('all': in-sample)" })
      .option('out', { type: 'string', describe: 'report folder (default reports/predictors-<workload>); created, or replaced if dysta wrote it', group: 'Output:' })
      .option('json', { type: 'string', describe: 'also write the whole evaluation as JSON to this file (- for standard output, instead of the tables)', group: 'Output:' })
      .example('$0 predictors --workload attention', "where dysta's gamma * sum(E) goes wrong on Sanger's model")
      .example('$0 predictors --csv-dir data/eyerissv2 --fit-split halves', 'your own tables, fitted on the other half')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<PredictorsArgs>,
  handler: async (args) => {
    if (!(Number.isInteger(args['last-n']) && args['last-n'] >= 1)) throw new SchedulerInputError(`--last-n must be a whole number >= 1, got ${args['last-n']}.`);
    if (args.json !== undefined) checkOutputFile(args.json, '--json');
    const workload = loadWorkload(workloadSource(args));
    const out = reportTarget(args.out, 'predictors', workload.name);
    checkReportTarget(out);
    const e = evaluatePredictors(workload, { lastN: args['last-n'], fitSplit: args['fit-split'] });
    const notes = regressionFallbacks(workload, args['fit-split']);
    const jsonToStdout = args.json !== undefined && namesStandardOutput(args.json);
    if (args.json !== undefined) await writeOutputFile(args.json, JSON.stringify({ ...e, notes }, null, 1) + '\n', '--json');
    if (!jsonToStdout) {
      process.stdout.write(`workload ${workload.name}: RMSE in % of the variant's mean isolated latency, ${e.samplesEvaluated} ${e.heldOut ? 'held-out' : 'in-sample (split all)'} samples, regression split ${e.fitSplit}\n`);
      for (const n of notes) process.stdout.write(`note: ${n}\n`);
      process.stdout.write('\n' + formatTable(HEADER, e.rows.map(rowCells), HEADER.map((_, i) => i > 0)) + '\n\n');
      const names = e.predictors;
      const header = ['variant', 'layers', ...names];
      const perVariant = e.perVariant.map((v) => [v.variant, String(v.layers), ...v.rows.map((r) => pct(r.overall))]);
      process.stdout.write('per variant, overall RMSE (%):\n' + formatTable(header, perVariant, header.map((_, i) => i > 0)) + '\n');
    }
    const { renderSvg, writeReportFolder, csvOf } = await import('./report.ts');
    const command = `dysta predictors ${process.argv.slice(3).join(' ')}`.trim();
    const rmseRows = [{ variant: 'all', layers: '', samples: e.samplesEvaluated, rows: e.rows }, ...e.perVariant].flatMap((v) => v.rows.map((r) => ({ variant: v.variant, predictor: r.predictor, overall: r.overall, afterFirstLayer: r.afterFirstLayer, at25: r.at25, at50: r.at50, at75: r.at75 })));
    const files = writeReportFolder(out, {
      'summary.md': summary(e, notes, command),
      'rmse.csv': csvOf(rmseRows),
      'by-fraction.csv': csvOf(e.byFraction),
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      'error-vs-fraction.svg': await renderSvg(errorCurveSpec(e) as any),
    }, 'predictors-report');
    const text = jsonToStdout ? process.stderr : process.stdout;
    if (args.json !== undefined && !jsonToStdout) text.write(`\nwrote ${args.json}`);
    text.write(`\nreport in ${out.dir}/ (${files.length} files: summary.md, rmse.csv, by-fraction.csv, error-vs-fraction.svg)\n`);
  },
};
