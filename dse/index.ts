// dse: design-space exploration over hardware configurations. A spec (spec.ts) expands into a plan
// of points, each identified by a content hash (plan.ts); a point (point.ts) is measured by the RTL
// trace adapter (rtl-trace.ts) and the synthesis adapter (synth.ts); the local (local.ts) or Slurm
// (slurm.ts) executor runs the points as `dysta dse-point` processes; report.ts writes the table,
// the Pareto front (pareto.ts), CSV, JSON and SVG plots.
export { SpecError, loadSpecFile, parseSpec, expandSpec, SYNTH_TARGETS, SYNTH_TOPS } from './spec.ts';
export type { DseSpec, MeasureSpec, WorkloadSpec, Axis, AxisValue, SpecPoint } from './spec.ts';
export { makePlan, readPlan, pointHash, projectSourcesHash, canonicalJson, pointPaths } from './plan.ts';
export type { Plan, PlannedPoint, Scenario, WorkloadRef, ToolVersions } from './plan.ts';
export { runPoint, comparableResult } from './point.ts';
export type { PointResult, RtlRun, RtlSummary, PointStatus } from './point.ts';
export { runDse } from './run.ts';
export type { DseOptions, DseOutcome } from './run.ts';
export { paretoFront } from './pareto.ts';
export type { Objective } from './pareto.ts';
export { SlurmError } from './slurm.ts';
export { openRtl, prepareTrace, runTraceOnRtl, decisionLatency } from './rtl-trace.ts';
export type { RtlHandle, TraceInput, PreparedTrace, TraceRunResult } from './rtl-trace.ts';
