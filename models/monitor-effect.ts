// `npm run monitor-effect -- WITH_DIR WITHOUT_DIR`: what the sparsity monitor adds, from two `dysta
// study` folders run with the same settings and seeds, the second with `--predictor none` (gamma stays
// 1: the same policies without the monitor hardware). Per policy in both: mean violation rate and
// ANTT with and without the monitor, and the paired difference (with - without) with its 95% Student
// t-interval over seeds (each seed's differences averaged over the settings first, as `dysta study`
// does), plus the number of settings where the monitor lowers the violation rate. `--out FILE` also
// writes the table (through output/: atomic, never over a folder; `-` = stdout only).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { OutputError, checkOutputFile, writeOutputFile } from '../output/index.ts';
import { mean, tInterval } from '../sw-scheduler/stats.ts';

interface Point {
  setting: string;
  seed: string;
  policy: string;
  violationRate: number;
  antt: number;
}

function readPoints(dir: string): Point[] {
  const path = join(dir, 'points.csv');
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (err) {
    throw new Error(`cannot read ${path} (a \`dysta study\` output folder): ${(err as Error).message}`);
  }
  return rows.map((r) => ({ setting: `${r.rate}/${r.sloMult}`, seed: r.seed!, policy: r.policy!, violationRate: Number(r.violationRate), antt: Number(r.antt) }));
}

export function monitorEffect(withDir: string, withoutDir: string): string {
  const a = readPoints(withDir);
  const b = readPoints(withoutDir);
  const key = (p: Point) => `${p.policy}|${p.setting}|${p.seed}`;
  const bByKey = new Map(b.map((p) => [key(p), p]));
  const policies = [...new Set(b.map((p) => p.policy))].filter((p) => a.some((x) => x.policy === p));
  if (policies.length === 0) throw new Error(`${withDir} and ${withoutDir} share no policy`);
  const f = (x: number) => x.toFixed(4);
  const lines = ['| policy | violation with monitor | without | with - without [95% CI] | settings where it helps | ANTT with | ANTT without |', '|---|---:|---:|---|---:|---:|---:|'];
  for (const policy of policies) {
    const pairs = a.filter((p) => p.policy === policy).map((p) => {
      const q = bByKey.get(key(p));
      if (!q) throw new Error(`${withoutDir} has no point for ${policy} at ${p.setting}, seed ${p.seed}: the two studies must use the same settings and seeds`);
      return [p, q] as const;
    });
    const seeds = [...new Set(pairs.map(([p]) => p.seed))];
    const perSeed = seeds.map((s) => mean(pairs.filter(([p]) => p.seed === s).map(([p, q]) => p.violationRate - q.violationRate)));
    const ci = tInterval(perSeed);
    const settings = [...new Set(pairs.map(([p]) => p.setting))];
    const helps = settings.filter((s) => {
      const here = pairs.filter(([p]) => p.setting === s);
      return mean(here.map(([p]) => p.violationRate)) < mean(here.map(([, q]) => q.violationRate));
    }).length;
    lines.push(
      `| ${policy} | ${f(mean(pairs.map(([p]) => p.violationRate)))} | ${f(mean(pairs.map(([, q]) => q.violationRate)))} | ${ci.mean >= 0 ? '+' : ''}${f(ci.mean)} [${f(ci.low)}, ${f(ci.high)}] | ${helps}/${settings.length} | ${mean(pairs.map(([p]) => p.antt)).toFixed(3)} | ${mean(pairs.map(([, q]) => q.antt)).toFixed(3)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const usage = 'usage: npm run monitor-effect -- WITH_MONITOR_STUDY_DIR WITHOUT_MONITOR_STUDY_DIR [--out FILE]';
  let parsed;
  try {
    parsed = parseArgs({ options: { out: { type: 'string' } }, allowPositionals: true });
  } catch (err) {
    process.stderr.write(`monitor-effect: ${(err as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const [withDir, withoutDir, extra] = parsed.positionals;
  if (!withDir || !withoutDir || extra) {
    process.stderr.write(`${usage}\n`);
    process.exit(2);
  }
  const out = parsed.values.out;
  try {
    if (out) checkOutputFile(out, '--out');
    const table = monitorEffect(withDir, withoutDir) + '\n';
    if (out) await writeOutputFile(out, table, '--out');
    if (out !== '-') process.stdout.write(table);
  } catch (err) {
    process.stderr.write(`monitor-effect: ${(err as Error).message}\n`);
    process.exit(err instanceof OutputError ? 2 : 1);
  }
}
