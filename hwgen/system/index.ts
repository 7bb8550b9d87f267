// The integrated system: the dysta_system top, the CNN workload (tiny random CNNs here, the real
// MNIST networks from models/) with its static level, and the system golden model.
export { SYSTEM_TOP, buildSystem } from './rtl.ts';
export {
  DEFAULT_DENSITIES,
  MODEL_SPECS,
  PROFILE_DENSITIES,
  assembleWorkload,
  buildModel,
  buildWorkload,
  convPasses,
  inputDensity,
  layerLoopCycles,
  modelPasses,
  passLoopCycles,
  profileVariant,
  randomImage,
  randomProfileImages,
  rowsToMap,
  runModelGolden,
  systemSetup,
} from './workload.ts';
export type { ArrivalOptions, CnnModel, ConvLayer, LayerRun, ModelSpec, RequestInput, SystemRequestSpec, SystemWorkload, VariantProfile, WorkloadOptions } from './workload.ts';
export { GO_TO_DONE, READ_BACK_CYCLES, runSystemGolden } from './golden.ts';
export type { LayerRecord, RequestRecord, SystemGoldenRun } from './golden.ts';
