// Bad inputs to `dysta cosim`: one clear line on stderr each, exit code 2, before any simulation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers.ts';

const root = tempDir('dysta-cosim-bad-');
const out = join(root, 'rtl');

async function refused(args: string[], message: RegExp): Promise<void> {
  const r = await runCli(['cosim', ...args, '--out', out]);
  expect(r.exitCode, r.stderr).toBe(2);
  const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('generated RTL'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^dysta: /);
  expect(lines[0]).toMatch(message);
  expect(r.stdout).toBe('');
}

describe('dysta cosim refuses bad inputs with one clear error', () => {
  it('an unknown workload', async () => {
    await refused(['--suite', 'trace', '--workload', 'resnet'], /unknown workload 'resnet'; the built-in ones are cnn, attention/);
  });

  it('a trace naming a variant the workload lacks', async () => {
    const trace = join(root, 'cnn-trace.json');
    writeFileSync(trace, JSON.stringify({ sloMult: 5, requests: [{ arrival: 0.001, variant: 'resnet50_block4_sparse60', sample: 3, priority: 1 }] }));
    await refused(['--suite', 'trace', '--workload', 'attention', '--trace', trace], /requests\[0\]\.variant 'resnet50_block4_sparse60' is not in workload 'attention'/);
  });

  it('a configuration whose tables cannot hold the trace', async () => {
    const cfg = join(root, 'narrow.json');
    writeFileSync(cfg, JSON.stringify({ scheduler: { log2Variants: 2 } }));
    await refused(['--suite', 'trace', '--workload', 'cnn', '--config', cfg], /workload 'cnn' has 12 variants, but scheduler.log2Variants = 2 holds 4 variant tables; set scheduler.log2Variants to at least 4/);
  });

  it('an unknown suite, an unknown case, a waveform for many cases', async () => {
    await refused(['--suite', 'npu,bogus'], /unknown suite bogus; choose from npu, scheduler, trace, system/);
    await refused(['--suite', 'scheduler', '--case', 'nope'], /--case nope: no such case in the selected suites; the cases are scheduler\/random-1/);
    await refused(['--suite', 'scheduler', '--wave', join(root, 'w.fst')], /--wave records one case, but 37 are selected/);
  });
});
