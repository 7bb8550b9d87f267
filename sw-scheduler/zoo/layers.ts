// Layer shapes of the zoo's CNNs, built from the published architectures (conv and fully connected
// layers in execution order; pooling, batch-norm and element-wise additions are folded into the layer
// they follow, as an accelerator's layer-by-layer schedule does).
//   ResNet-50: He et al., CVPR 2016 (torchvision layout: stride on the 3x3 conv, projection after
//              the block's last conv) - 53 conv + 1 FC = 54 layers at 224x224.
//   VGG-16:    Simonyan & Zisserman, ICLR 2015, configuration D - 13 conv + 3 FC = 16 layers.
//   MobileNet-V1: Howard et al., 2017, width 1.0 at 224x224 - 1 conv + 13 x (depthwise + pointwise)
//              + 1 FC = 28 layers.
//   SSD300-ResNet18: Liu et al., ECCV 2016 detection head on a ResNet-18 backbone truncated after its
//              third stage with that stage's stride set to 1 (the layout of NVIDIA's SSD300 reference),
//              5 extra feature blocks, 6 x (localisation + confidence) 3x3 heads, 81 COCO classes
//              - 15 + 10 + 12 = 37 layers at 300x300.

export type LayerKind = 'conv' | 'depthwise' | 'fc';

export interface LayerShape {
  readonly name: string;
  readonly kind: LayerKind;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  /** Input and output feature map side (square maps). */
  readonly inSize: number;
  readonly outSize: number;
}

/** Multiply-accumulates of a layer. */
export function layerMacs(l: LayerShape): number {
  const perOutput = l.kind === 'depthwise' ? l.kernel * l.kernel : l.inChannels * l.kernel * l.kernel;
  return l.outSize * l.outSize * l.outChannels * perOutput;
}

export function layerWeights(l: LayerShape): number {
  return l.kind === 'depthwise' ? l.outChannels * l.kernel * l.kernel : l.outChannels * l.inChannels * l.kernel * l.kernel;
}

export function layerInputs(l: LayerShape): number {
  return l.inSize * l.inSize * l.inChannels;
}

export function layerOutputs(l: LayerShape): number {
  return l.outSize * l.outSize * l.outChannels;
}

function conv(name: string, inChannels: number, outChannels: number, kernel: number, inSize: number, outSize: number): LayerShape {
  return { name, kind: 'conv', inChannels, outChannels, kernel, inSize, outSize };
}

function fc(name: string, inputs: number, outputs: number): LayerShape {
  return { name, kind: 'fc', inChannels: inputs, outChannels: outputs, kernel: 1, inSize: 1, outSize: 1 };
}

export function resnet50Layers(): LayerShape[] {
  const layers: LayerShape[] = [conv('conv1', 3, 64, 7, 224, 112)];
  let size = 56; // after the 3x3/2 max-pool
  let inChannels = 64;
  const stages: [width: number, blocks: number, stride: number][] = [
    [64, 3, 1],
    [128, 4, 2],
    [256, 6, 2],
    [512, 3, 2],
  ];
  stages.forEach(([width, blocks, stride], s) => {
    for (let b = 0; b < blocks; b++) {
      const blockStride = b === 0 ? stride : 1;
      const outSize = size / blockStride;
      const prefix = `layer${s + 1}.${b}`;
      layers.push(conv(`${prefix}.conv1`, inChannels, width, 1, size, size));
      layers.push(conv(`${prefix}.conv2`, width, width, 3, size, outSize));
      layers.push(conv(`${prefix}.conv3`, width, width * 4, 1, outSize, outSize));
      if (b === 0) layers.push(conv(`${prefix}.downsample`, inChannels, width * 4, 1, size, outSize));
      inChannels = width * 4;
      size = outSize;
    }
  });
  layers.push(fc('fc', 2048, 1000));
  return layers;
}

export function vgg16Layers(): LayerShape[] {
  const config: (number | 'M')[] = [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'];
  const layers: LayerShape[] = [];
  let size = 224;
  let inChannels = 3;
  let block = 1;
  let index = 1;
  for (const c of config) {
    if (c === 'M') {
      size /= 2;
      block++;
      index = 1;
      continue;
    }
    layers.push(conv(`conv${block}_${index++}`, inChannels, c, 3, size, size));
    inChannels = c;
  }
  layers.push(fc('fc6', 512 * 7 * 7, 4096), fc('fc7', 4096, 4096), fc('fc8', 4096, 1000));
  return layers;
}

export function mobilenetV1Layers(): LayerShape[] {
  const layers: LayerShape[] = [conv('conv1', 3, 32, 3, 224, 112)];
  const blocks: [outChannels: number, stride: number][] = [
    [64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1],
  ];
  let size = 112;
  let inChannels = 32;
  blocks.forEach(([outChannels, stride], i) => {
    const outSize = Math.ceil(size / stride);
    layers.push({ name: `dw${i + 1}`, kind: 'depthwise', inChannels, outChannels: inChannels, kernel: 3, inSize: size, outSize });
    layers.push(conv(`pw${i + 1}`, inChannels, outChannels, 1, outSize, outSize));
    inChannels = outChannels;
    size = outSize;
  });
  layers.push(fc('fc', 1024, 1000));
  return layers;
}

export function ssd300Resnet18Layers(): LayerShape[] {
  const layers: LayerShape[] = [conv('conv1', 3, 64, 7, 300, 150)];
  // ResNet-18 basic blocks (two 3x3 convs, projection on a channel or stride change), stages 1-3.
  let size = 75; // after the max-pool
  let inChannels = 64;
  const stages: [width: number, stride: number][] = [
    [64, 1],
    [128, 2],
    [256, 1], // stride 1 in SSD300 so the first feature map stays 38x38
  ];
  stages.forEach(([width, stride], s) => {
    for (let b = 0; b < 2; b++) {
      const blockStride = b === 0 ? stride : 1;
      const outSize = Math.ceil(size / blockStride);
      const prefix = `layer${s + 1}.${b}`;
      layers.push(conv(`${prefix}.conv1`, inChannels, width, 3, size, outSize));
      layers.push(conv(`${prefix}.conv2`, width, width, 3, outSize, outSize));
      if (b === 0 && (blockStride !== 1 || inChannels !== width)) layers.push(conv(`${prefix}.downsample`, inChannels, width, 1, size, outSize));
      inChannels = width;
      size = outSize;
    }
  });
  // Extra feature layers: 1x1 reduction then 3x3 (stride 2, or no padding for the last two).
  const extras: [mid: number, out: number, outSize: number][] = [
    [256, 512, 19],
    [256, 512, 10],
    [128, 256, 5],
    [128, 256, 3],
    [128, 256, 1],
  ];
  const featureMaps: [channels: number, size: number][] = [[inChannels, size]];
  extras.forEach(([mid, out, outSize], i) => {
    layers.push(conv(`extra${i + 1}.reduce`, inChannels, mid, 1, size, size));
    layers.push(conv(`extra${i + 1}.conv`, mid, out, 3, size, outSize));
    inChannels = out;
    size = outSize;
    featureMaps.push([out, outSize]);
  });
  const boxes = [4, 6, 6, 6, 4, 4];
  const classes = 81;
  featureMaps.forEach(([channels, mapSize], i) => {
    layers.push(conv(`head${i + 1}.loc`, channels, boxes[i] * 4, 3, mapSize, mapSize));
    layers.push(conv(`head${i + 1}.conf`, channels, boxes[i] * classes, 3, mapSize, mapSize));
  });
  return layers;
}
