// hwgen: TypeScript that emits the Verilog of the Sparse-DySta hardware, and the golden models that
// state exactly what that Verilog computes. Public surface for the CLI, tests and benchmarks.
export * from './config/index.ts';
export { generateDesign, writeDesign, GENERATOR, GENERATOR_VERSION, TOPS } from './generate.ts';
export { buildNpuTile, buildPeArray, buildSparsityMonitor, peArrayWidths } from './pe-array/rtl.ts';
export { PIPELINE_CYCLES, checkTile, compressRows, requantise, runLayerGolden, wrapSigned } from './pe-array/golden.ts';
export type { Beat, LayerResult, LayerTile } from './pe-array/golden.ts';
export { SeededInts, im2col, lowerConvWeights, randomConvTile, randomTile } from './pe-array/layers.ts';
export type { ConvShape, RandomTileSpec } from './pe-array/layers.ts';
