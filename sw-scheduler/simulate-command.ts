// `dysta simulate`: scheduling policies on one request trace (replayed from JSON or generated), with
// a table of violation rate, ANTT, STP and dispatches, and optional JSON report, trace and streamed
// decision log. Loads the engine, the policies and the workload readers; nothing of the hardware
// side or the plotting.
import type { Argv, CommandModule } from 'yargs';
import { checkOutputFile, excerpt, openOutputStream, writeOutputFile, type OutputStream } from '../output/index.ts';
import {
  OUTPUT_RULE_HELP,
  checkFinite,
  checkPolicyArgs,
  formatTable,
  policyOptions,
  policyParams,
  regressionNotes,
  shownPath,
  textStream,
  workloadOptions,
  workloadSource,
  writeIgnoredOptionNotes,
  type PolicyArgs,
  type WorkloadArgs,
} from './command-options.ts';
import { simulate, simulateAll, type DecisionRecord, type SimulationOptions } from './engine.ts';
import { computeMetrics, metricWarnings, precisionWarnings, requestRecords, type Metrics, type RequestRecord } from './metrics.ts';
import { parsePolicyList, type PolicyDefinition } from './policies/index.ts';
import { predictorFor } from './predictors.ts';
import { compileTrace, generatePoissonTrace, readTraceFile, traceJson, type Trace } from './requests.ts';
import { loadWorkload, workloadCapacity } from './sweep.ts';

interface SimulateArgs extends WorkloadArgs, PolicyArgs {
  trace?: string;
  rate?: number;
  load?: number;
  requests?: number;
  seed?: number;
  'slo-mult'?: number;
  json?: string;
  'trace-out'?: string;
  'decision-log'?: string;
}

export interface SimulationReport {
  readonly policies: Record<string, Metrics & { dispatchesPerRequest: number; requests: RequestRecord[] }>;
}

/**
 * `JSON.stringify(report) + '\n'` in pieces, one per policy (the same text: Object.entries lists the
 * policies in the order JSON.stringify does), for writeOutputFile to write one after another.
 */
export function reportJsonPieces(report: SimulationReport): string[] {
  const policies = Object.entries(report.policies).map(([name, entry], i) => `${i === 0 ? '' : ','}${JSON.stringify(name)}:${JSON.stringify(entry)}`);
  return ['{"policies":{', ...policies, '}}\n'];
}

export const simulateCommand: CommandModule<object, SimulateArgs> = {
  builder: (y) =>
    policyOptions(workloadOptions(y))
      .option('trace', { type: 'string', describe: 'replay this trace JSON ({"sloMult", "requests": [...]}) instead of generating one', group: 'Requests:' })
      .option('rate', { type: 'number', describe: 'Poisson arrival rate in requests/s', group: 'Requests:' })
      .option('load', { type: 'number', describe: 'arrival rate as a fraction of the workload capacity (default 0.9 when neither --rate nor --trace)', group: 'Requests:' })
      // No yargs defaults here: yargs would count them as given and trip the --trace conflicts.
      .option('requests', { type: 'number', describe: 'number of generated requests (default 1000)', group: 'Requests:' })
      .option('seed', { type: 'number', describe: 'seed of the request generator (default 1)', group: 'Requests:' })
      .option('slo-mult', { type: 'number', describe: "SLO multiplier: deadline = arrival + Tarch * M (default: the trace's, or 10)", group: 'Requests:' })
      .option('json', { type: 'string', describe: 'write metrics and per-request records of every policy to this JSON file (- for standard output)', group: 'Output:' })
      .option('trace-out', { type: 'string', describe: 'save the requests (generated or replayed) as a trace JSON file (- for standard output)', group: 'Output:' })
      .option('decision-log', {
        type: 'string',
        describe: 'stream every decision (time, ready set, chosen, P, score) as JSON lines to this file (- for standard output); grows with the ready set, so overloaded runs write gigabytes',
        group: 'Output:',
      })
      .conflicts('trace', ['rate', 'load', 'requests', 'seed'])
      .conflicts('rate', 'load')
      .example('$0 simulate --workload cnn --rate 10 --requests 1000 --seed 1', 'all policies on a generated CNN trace')
      .example('$0 simulate --trace t.json --policies dysta,sjf --json out.json', 'replay a trace')
      .epilog(OUTPUT_RULE_HELP) as unknown as Argv<SimulateArgs>,
  handler: async (args) => {
    // Every output is checked before any work, and the human-readable lines move to stderr when an
    // output is standard output.
    const outputs = { '--json': args.json, '--trace-out': args['trace-out'], '--decision-log': args['decision-log'] };
    const text = textStream(outputs);
    for (const [flag, path] of Object.entries(outputs)) if (path !== undefined) checkOutputFile(path, flag);
    checkPolicyArgs(args);
    const policies = parsePolicyList(args.policies);
    writeIgnoredOptionNotes(policies, args);
    const workload = loadWorkload(workloadSource(args));
    let trace: Trace;
    let origin: string;
    if (args.trace !== undefined) {
      trace = readTraceFile(args.trace, workload);
      origin = `trace ${excerpt(args.trace)} (${trace.requests.length} requests)`;
    } else {
      const capacity = workloadCapacity(workload);
      if (args.load !== undefined) checkFinite('load', args.load, true);
      const rate = args.rate ?? (args.load ?? 0.9) * capacity;
      const count = args.requests ?? 1000;
      const seed = args.seed ?? 1;
      trace = generatePoissonTrace(workload, { rate, count, seed, sloMult: args['slo-mult'] ?? 10 });
      origin = `Poisson, rate ${rate.toPrecision(4)} req/s (load ${(rate / capacity).toFixed(2)}), ${count} requests, seed ${seed}`;
    }
    const sloMult = args['slo-mult'] ?? trace.sloMult;
    const compiled = compileTrace(workload, trace, sloMult);
    const warnings = precisionWarnings(compiled);

    const report: SimulationReport = { policies: {} };
    const rows: string[][] = [];
    // The decision log is streamed as the simulation runs: memory stays bounded however many
    // gigabytes it grows to (a 10000-request overloaded trace writes tens of GB for all policies).
    const log: OutputStream | undefined = args['decision-log'] !== undefined ? openOutputStream(args['decision-log'], '--decision-log') : undefined;
    let decisions = 0;
    let logBytes = 0;
    const optionsFor = (policy: PolicyDefinition, onDecision?: (d: DecisionRecord) => void): SimulationOptions => ({
      params: policyParams(args),
      predictor: predictorFor(policy, args.predictor, args['last-n'], args['fit-split']),
      switchCost: args['switch-cost'],
      onDecision,
    });
    // Without a decision log the policies run side by side (simulateAll: faster, same results); the
    // log is written one policy after another.
    const unlogged = log ? undefined : simulateAll(compiled, policies.map((policy) => ({ policy, options: optionsFor(policy) })));
    try {
      for (const [p, policy] of policies.entries()) {
        const onDecision = log
          ? (d: DecisionRecord) => {
              decisions++;
              const line = JSON.stringify({ policy: policy.name, ...d }) + '\n';
              logBytes += line.length;
              log.write(line);
            }
          : undefined;
        const result = unlogged ? unlogged[p] : simulate(compiled, policy, optionsFor(policy, onDecision));
        const metrics = computeMetrics(result);
        warnings.push(...metricWarnings(policy.name, metrics));
        const dispatchesPerRequest = result.dispatches / compiled.count;
        report.policies[policy.name] = { ...metrics, dispatchesPerRequest, requests: requestRecords(result) };
        rows.push([policy.name, metrics.violationRate.toFixed(4), metrics.antt.toFixed(3), metrics.stp.toFixed(2), dispatchesPerRequest.toFixed(3)]);
        if (log && policies.length > 1) process.stderr.write(`simulate: ${policy.name} done; decision log so far: ${decisions} decisions, ${(logBytes / 1e6).toFixed(1)} MB\n`);
      }
      await log?.commit();
    } catch (err) {
      log?.abort();
      throw err;
    }
    const switchNote = args['switch-cost'] > 0 ? `; switch cost ${args['switch-cost']} s` : '';
    text.write(`workload ${workload.name}; ${origin}; SLO multiplier ${sloMult}${switchNote}\n`);
    for (const note of regressionNotes(workload, policies, args)) text.write(`note: ${note}\n`);
    for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
    text.write('\n');
    text.write(formatTable(['policy', 'violation rate', 'ANTT', 'STP (inf/s)', 'dispatches/req'], rows, [false, true, true, true, true]) + '\n');
    if (args.json !== undefined) {
      await writeOutputFile(args.json, reportJsonPieces(report), '--json');
      text.write(`\nwrote ${shownPath(args.json)}\n`);
    }
    if (log) text.write(`wrote ${decisions} decisions to ${shownPath(args['decision-log']!)}\n`);
    if (args['trace-out'] !== undefined) {
      await writeOutputFile(args['trace-out'], traceJson({ sloMult, requests: trace.requests }), '--trace-out');
      text.write(`wrote trace ${shownPath(args['trace-out'])}\n`);
    }
  },
};
