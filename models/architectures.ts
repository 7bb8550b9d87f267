// The three MNIST network architectures and the three weight-sparsity patterns, i.e. the nine
// variants `npm run train-models` trains and the rest of the project runs on the PE array.
//
// Every layer is a convolution without bias (the PE array has no bias input), ReLU on all but the
// classifier, downsampling by stride (the array has no pooling). The classifier is a convolution
// whose kernel covers the whole final feature map: one output row, K = channels x height x width,
// i.e. a matrix product lowered exactly like the other layers. Sizes are chosen for a 16-lane array:
// layers with more than 16 output channels run as several tiles, and `wide`'s classifier (K = 1176)
// is longer than the default weight buffer (1024 rows), so its reduction is split.
export interface LayerSpec {
  kernel: number;
  stride: number;
  pad: number;
  outChannels: number;
  relu: boolean;
}

export interface ArchitectureSpec {
  name: string;
  description: string;
  layers: readonly LayerSpec[];
}

const conv = (kernel: number, stride: number, outChannels: number): LayerSpec => ({ kernel, stride, pad: (kernel - 1) >> 1, outChannels, relu: true });
const classifier = (size: number): LayerSpec => ({ kernel: size, stride: 1, pad: 0, outChannels: 10, relu: false });

export const ARCHITECTURES: readonly ArchitectureSpec[] = [
  {
    name: 'slim',
    description: '3 narrow 3x3 convs (8, 16, 16 channels; strides 1, 2, 2) and a 256-input classifier',
    layers: [conv(3, 1, 8), conv(3, 2, 16), conv(3, 2, 16), classifier(4)],
  },
  {
    name: 'deep',
    description: '4 3x3 convs (8, 16, 16, 32 channels; strides 1, 2, 1, 2) and a 512-input classifier',
    layers: [conv(3, 1, 8), conv(3, 2, 16), conv(3, 1, 16), conv(3, 2, 32), classifier(4)],
  },
  {
    name: 'wide',
    description: 'a 5x5 stride-2 conv (16 channels), a 3x3 conv (24 channels) and a 1176-input classifier',
    layers: [conv(5, 2, 16), conv(3, 1, 24), classifier(7)],
  },
];

export type PatternKind = 'dense' | 'unstructured' | 'filter';

export interface PatternSpec {
  kind: PatternKind;
  /** Name part after the architecture (`<arch>_<tag>`), as the artifact names variants. */
  tag: string;
  description: string;
  /** Fraction of weights (unstructured) or filters (filter) removed per layer, first layer apart. */
  rate: number;
  firstLayerRate: number;
}

export const PATTERNS: readonly PatternSpec[] = [
  { kind: 'dense', tag: 'dense', description: 'no pruning', rate: 0, firstLayerRate: 0 },
  {
    kind: 'unstructured',
    tag: 'unstructured_sparse70',
    description: 'magnitude pruning: the 70% smallest weights of every layer (50% in the first) set to zero, then fine-tuned with the mask',
    rate: 0.7,
    firstLayerRate: 0.5,
  },
  {
    kind: 'filter',
    tag: 'filter_sparse50',
    description: 'filter pruning: half the filters of every conv layer (smallest L1 norm) removed with their input channels in the next layer, then fine-tuned',
    rate: 0.5,
    firstLayerRate: 0.5,
  },
];

export interface VariantSpec {
  name: string;
  architecture: ArchitectureSpec;
  pattern: PatternSpec;
}

/** The nine variants, in name order (the scheduler's variant order). */
export const VARIANTS: readonly VariantSpec[] = ARCHITECTURES.flatMap((a) => PATTERNS.map((p) => ({ name: `${a.name}_${p.tag}`, architecture: a, pattern: p }))).sort((x, y) =>
  x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
);

/** Training settings; changing any of them changes the committed weights. */
export const TRAINING = {
  seed: 2024,
  batch: 32,
  /** Dense training: epochs over the training digits, learning rate of epoch e = lr * decay^e (Adam). */
  denseEpochs: { slim: 3, deep: 2, wide: 2 } as Record<string, number>,
  lr: 0.002,
  decay: 0.5,
  /** Fine-tuning after pruning (Adam, constant learning rate). */
  fineTuneEpochs: 1,
  fineTuneLr: 0.0005,
} as const;
