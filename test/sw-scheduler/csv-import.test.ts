// CSV import of both artifact flavours: tables, Sanger's latency model, derived profiles.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCsvFolder, parseVariantCsv } from '../../sw-scheduler/csv.ts';
import { FIXTURES } from './helpers.ts';

describe('CSV import, Eyeriss-V2 flavour', () => {
  const w = importCsvFolder(join(FIXTURES, 'eyerissv2'));

  it('reads one variant per file, in name order, with architectures from the name prefix', () => {
    expect(w.flavour).toBe('eyeriss');
    expect(w.variants.map((v) => v.name)).toEqual([
      'mobilenet_block4_sparse60', 'mobilenet_filter_sparse20', 'mobilenet_unstructured_sparse60',
      'resnet50_block4_sparse60', 'resnet50_filter_sparse20', 'resnet50_unstructured_sparse60',
      'ssd300_resnet18_block4_sparse60', 'ssd300_resnet18_filter_sparse20', 'ssd300_resnet18_unstructured_sparse60',
      'vgg16_block4_sparse60', 'vgg16_filter_sparse20', 'vgg16_unstructured_sparse60',
    ]);
    expect(w.variantByName.get('ssd300_resnet18_filter_sparse20')!.architecture).toBe('ssd300');
    expect(w.variants.map((v) => v.layers)).toEqual([28, 28, 28, 54, 54, 54, 25, 25, 25, 16, 16, 16]);
    expect(w.variants.every((v) => v.sampleIds.length === 40)).toBe(true);
  });

  it('takes L = sim_lat and S = overall-sparsity cell for cell', () => {
    const v = w.variantByName.get('vgg16_filter_sparse20')!;
    expect(v.latency[0]).toBe(0.00229798159);
    expect(v.sparsity[0]).toBe(0);
    expect(v.latency[1]).toBe(0.00846626018);
    expect(v.sparsity[1]).toBe(0.669668);
  });

  it('derives Lpat, Savg, Tpat per variant and sample-weighted Larch, Tarch per architecture', () => {
    const [b4, f20, u60] = ['vgg16_block4_sparse60', 'vgg16_filter_sparse20', 'vgg16_unstructured_sparse60'].map((n) => w.variantByName.get(n)!);
    let sum = 0;
    for (let s = 0; s < 40; s++) sum += b4.latency[s * 16 + 3];
    expect(b4.Lpat[3]).toBe(sum / 40);
    let total = 0;
    for (let s = 0; s < 40; s++) {
      let row = 0;
      for (let l = 0; l < 16; l++) row += b4.latency[s * 16 + l];
      total += row;
    }
    expect(b4.Tpat).toBe(total / 40);
    expect(b4.Larch[3]).toBe((b4.Lpat[3] * 40 + f20.Lpat[3] * 40 + u60.Lpat[3] * 40) / 120);
    expect(u60.Tarch).toBe((b4.Tpat * 40 + f20.Tpat * 40 + u60.Tpat * 40) / 120);
    expect(f20.Larch).toBe(b4.Larch);
  });
});

describe('CSV import, Sanger flavour', () => {
  it('turns density and load balance into latency with the spec formula (seq-len 512 by default)', () => {
    const w = importCsvFolder(join(FIXTURES, 'sanger'));
    expect(w.flavour).toBe('sanger');
    expect(w.variants.map((v) => v.name)).toEqual(['load_balance_bart_glue_128', 'load_balance_bert_squad_384', 'load_balance_gpt2_glue_128']);
    const gpt2 = w.variantByName.get('load_balance_gpt2_glue_128')!;
    // First row: overall-sparsity (a density) 0.193765, 50%-skip 0.811944; value computed in Python.
    expect(gpt2.latency[0]).toBe(0.0010397123517798498);
    expect(gpt2.sparsity[0]).toBe(1 - 0.193765);
    expect(gpt2.architecture).toBe('load_balance_gpt2_glue_128');
    expect(gpt2.Larch).toBe(gpt2.Lpat);
    expect(gpt2.Tarch).toBe(gpt2.Tpat);
  });

  it('honours --seq-len', () => {
    const w = importCsvFolder(join(FIXTURES, 'sanger'), { seqLen: 128 });
    expect(w.variantByName.get('load_balance_gpt2_glue_128')!.latency[0]).toBe(0.00024266642358943355);
  });

  it('accepts a byte-order mark and CRLF line ends (spreadsheet exports)', () => {
    const { table } = parseVariantCsv('\ufeffsim_lat,overall-sparsity,batch-indx,layer-indx\r\n0.25,0.5,3,0\r\n', 'x.csv');
    expect(table.sampleIds).toEqual([3]);
    expect(Array.from(table.latency)).toEqual([0.25]);
  });

  it('detects the flavour from the header', () => {
    const text = 'overall-sparsity,50%-no-skip,50%-skip,batch-indx,layer-indx\n0.5,0.8,0.9,0,0\n';
    expect(parseVariantCsv(text, 'x.csv').flavour).toBe('sanger');
    expect(parseVariantCsv('sim_lat,overall-sparsity,batch-indx,layer-indx\n0.1,0.5,0,0\n', 'y.csv').flavour).toBe('eyeriss');
  });
});
