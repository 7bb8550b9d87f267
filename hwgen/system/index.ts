// The integrated system: the dysta_system top, the tiny-CNN workload with its static level, and the
// system golden model.
export { SYSTEM_TOP, buildSystem } from './rtl.ts';
export { DEFAULT_DENSITIES, MODEL_SPECS, PROFILE_DENSITIES, buildModel, buildWorkload, convTile, inputDensity, layerLoopCycles, modelTile, profileVariant, randomImage, rowsToMap, runModelGolden, systemSetup } from './workload.ts';
export type { CnnModel, ConvLayer, ModelSpec, SystemRequestSpec, SystemWorkload, VariantProfile, WorkloadOptions } from './workload.ts';
export { GO_TO_DONE, READ_BACK_CYCLES, runSystemGolden } from './golden.ts';
export type { LayerRecord, RequestRecord, SystemGoldenRun } from './golden.ts';
