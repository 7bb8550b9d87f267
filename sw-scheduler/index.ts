// Public surface of the float scheduler model (ALGORITHMS.md). Other parts of the project (the
// fixed-point golden model, co-simulation, reports) import from here only.
//
// Typical use, including the decision-by-decision record the hardware comparison needs:
//   const workload = zooWorkload('cnn');                       // or importCsvFolder(dir)
//   const trace = generatePoissonTrace(workload, { rate: 10, count: 1000, seed: 1, sloMult: 10 });
//   const compiled = compileTrace(workload, trace);            // resolve names once, reuse per policy
//   const { result, decisions } = simulateWithDecisionLog(compiled, getPolicy('dysta'));
//   computeMetrics(result);          // { violationRate, antt, stp }
//   decisions[k];                    // { time, ready, chosen, layer, predicted (P), score, gamma }
// `simulate(compiled, policy, { onDecision })` streams the same records without keeping them;
// `{ tableSize }` bounds the task table; `followSchedule` replays another implementation's decisions.
// Beyond the paper (BEYOND.md): getPolicy('mhg'), getPredictor('regression', n, 'parity'),
// simulate(..., { switchCost }) and result.dispatches; evaluatePredictors(workload); analyseStudy().

export { SchedulerInputError } from './errors.ts';
export { buildWorkload, architectureOf, describeWorkload } from './workload.ts';
export type { Flavour, Variant, VariantTable, Workload } from './workload.ts';
export { importCsvFolder, parseVariantCsv, exportCsvFolder } from './csv.ts';
export { sangerLayerLatency, SANGER_DEFAULT_SEQ_LEN } from './sanger.ts';
export { ZOO, zooWorkload, ZOO_DEFAULT_SEED, ZOO_DEFAULT_SAMPLES } from './zoo/zoo.ts';
export type { ZooEntry, ZooOptions } from './zoo/zoo.ts';
export {
  PRIORITIES,
  generatePoissonTrace,
  parseTrace,
  readTraceFile,
  writeTraceFile,
  compileTrace,
} from './requests.ts';
export type { Request, Trace, CompiledTrace, Priority, PoissonOptions } from './requests.ts';
export { simulate, simulateAll, simulateWithDecisionLog, computeDeadlines, followSchedule } from './engine.ts';
export type { DecisionRecord, SimulationOptions, SimulationResult, FollowStep, FollowResult } from './engine.ts';
export {
  POLICIES,
  POLICY_NAMES,
  ALL_POLICIES,
  ALL_POLICY_NAMES,
  BEYOND_POLICIES,
  getPolicy,
  parsePolicyList,
  DEFAULT_POLICY_PARAMS,
  selectByMaxRule,
  MHG_DEFAULTS,
  MHG_VIO_DEFAULTS,
  createMhgSelector,
} from './policies/index.ts';
export type { PolicyDefinition, PolicyParams, Selector, PredictionSource, MhgParams, MhgExplanation, MhgSelector } from './policies/index.ts';
export { getPredictor, predictorFor, PREDICTOR_NAMES, DEFAULT_LAST_N_WINDOW } from './predictors.ts';
export type { PredictorDefinition, PredictorState, PredictorContext } from './predictors.ts';
export {
  FIT_SPLITS,
  FIT_SPLIT_NAMES,
  DEFAULT_FIT_SPLIT,
  MIN_TRAINING_SAMPLES,
  getFitSplit,
  fitRegression,
  ordinaryLeastSquares,
  regressionFallbacks,
} from './regression.ts';
export type { FitSplit, RegressionCoefficients, VariantRegression } from './regression.ts';
export { evaluatePredictors, predictorLabels } from './predictor-eval.ts';
export type { PredictorEvaluation, PredictorRow } from './predictor-eval.ts';
export { analyseStudy, STUDY_BASELINE } from './study.ts';
export type { StudyAnalysis, SettingStats, OverallStats, Comparison } from './study.ts';
export { tInterval, studentTQuantile } from './stats.ts';
export type { Interval } from './stats.ts';
export type { TaskTable } from './tasks.ts';
export { computeMetrics, requestRecords } from './metrics.ts';
export type { Metrics, RequestRecord } from './metrics.ts';
export { planJobs, runJob, meanOverSeeds, loadWorkload, workloadCapacity } from './sweep.ts';
export type { SweepConfig, SweepJob, SweepPoint, SettingMean, WorkloadSource } from './sweep.ts';
export { runSweep } from './sweep-runner.ts';
