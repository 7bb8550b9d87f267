// verify: the regression behind `dysta cosim`. Four suites compare the generated hardware with its
// golden models in Verilator: `npu` (the PE array tile), `scheduler` (random scenarios and corner
// cases), `trace` (workload traces with the trace NPU, beside the float policy) and `system` (the
// integrated loop on a few configurations). Plan the suites for a design, run them, report:
//
//   const suites = [planNpu(cfg.peArray, npuOptions), planScheduler(cfg, { seed }), planTrace(cfg, prepareTraces(cfg, sources)), planSystem(cfg, { seed })];
//   const result = await runRegression({ rtlDir, config: cfg, suites, onCase: (r) => console.log(caseLine(r)) });
//   console.log(summaryTable(result));
export { SUITE_NAMES } from './types.ts';
export type { CaseResult, CaseStatus, PlannedSuite, SuiteName } from './types.ts';
export { planNpu } from './npu.ts';
export type { NpuSuiteOptions } from './npu.ts';
export { planScheduler } from './scheduler.ts';
export { TRACE_DEFAULTS, defaultTraceSources, planTrace, prepareTraces, workloadForTraceFile } from './trace.ts';
export type { PreparedTrace, TraceSource } from './trace.ts';
export { SMALL_SYSTEM, planSystem } from './system.ts';
export { SelectionError, mergeResults, runRegression, selectCases } from './regression.ts';
export type { RegressionOptions, RegressionResult, SuiteSummary } from './regression.ts';
export { caseLine, failureReport, jsonReport, junitXml, summaryTable } from './report.ts';
