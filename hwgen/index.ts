// hwgen: TypeScript that emits the Verilog of the Sparse-DySta hardware, and the golden models that
// state exactly what that Verilog computes. Public surface for the CLI, tests and benchmarks.
export * from './config/index.ts';
export { generateDesign, legacyDesignFiles, writeDesign, GENERATOR, GENERATOR_VERSION, TOPS } from './generate.ts';
export { buildNpuTile, buildPeArray, buildSparsityMonitor, peArrayWidths } from './pe-array/rtl.ts';
export { PIPELINE_CYCLES, checkTile, compressRows, requantise, runLayerGolden, runLayerGoldenFlat, wrapSigned } from './pe-array/golden.ts';
export type { Beat, LayerResult, LayerTile } from './pe-array/golden.ts';
export { SeededInts, im2col, lowerConvWeights, randomConvTile, randomTile } from './pe-array/layers.ts';
export { joinPassOutputs, layerPasses, passOps, runPassGolden, tileCount } from './pe-array/passes.ts';
export type { LoweredLayer, Pass, PassOp, PassResult } from './pe-array/passes.ts';
export type { ConvShape, RandomTileSpec } from './pe-array/layers.ts';
export { SCHEDULER_TOP, buildScheduler, schedulerMonitorShape, schedulerParams, schedulerPresets } from './scheduler/rtl.ts';
export { CMD as SCHEDULER_CMD, COUNTER as SCHEDULER_COUNTER, EVENT as SCHEDULER_EVENT, TASK_FIELD as SCHEDULER_TASK_FIELD, TIMING as SCHEDULER_TIMING, commandWidths, encodeCoefficient, regressionPred, schedulerFormats } from './scheduler/formats.ts';
export type { SchedulerFormats } from './scheduler/formats.ts';
export { GoldenScheduler, MHG_RESET, MHG_VIO, beats, clampPred, encodeInvIso, encodeMhgParam, encodePenaltyScale, encodeReciprocal, layersRun, mhgDecide, mhgParamsQ, mhgSelectCycles, predictorStep, regressionStep, scoreOf, toCycles } from './scheduler/golden.ts';
export type { CoefficientBank, Decision, MhgOutcome, MhgParamsQ, MhgTask, PredictorStep, Reciprocal, ScoreDetail, ScoreInputs, Task as SchedulerTask, VariantTables } from './scheduler/golden.ts';
export * from './system/index.ts';
