// Trace files: write/read round trip and validation with clear errors.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileTrace, generatePoissonTrace, parseTrace, readTraceFile, writeTraceFile } from '../../sw-scheduler/requests.ts';
import { zooWorkload } from '../../sw-scheduler/zoo/zoo.ts';

const dir = mkdtempSync(join(tmpdir(), 'dysta-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const workload = zooWorkload('cnn');
const ok = { arrival: 0.0123, variant: 'resnet50_block4_sparse60', sample: 17, priority: 3 };

describe('trace files', () => {
  it('round trip: write then read gives the same requests, bit for bit', async () => {
    const trace = generatePoissonTrace(workload, { rate: 10, count: 200, seed: 7, sloMult: 6 });
    const path = join(dir, 't.json');
    await writeTraceFile(path, trace);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const back = readTraceFile(path, workload);
    expect(back).toEqual(trace);
    expect(JSON.parse(readFileSync(path, 'utf8')).sloMult).toBe(6);
  });

  it("applies the trace's sloMult unless overridden", () => {
    const trace = parseTrace({ sloMult: 10, requests: [ok] }, workload, 't');
    const v = workload.variantByName.get(ok.variant)!;
    expect(compileTrace(workload, trace).sloMult).toBe(10);
    expect(compileTrace(workload, trace, 3).sloMult).toBe(3);
    expect(v.sampleIndexById.get(17)).toBe(17);
  });

  const bad = (value: unknown) => () => parseTrace(value, workload, 'trace.json');
  it('rejects an unknown variant', () => {
    expect(bad({ sloMult: 10, requests: [{ ...ok, variant: 'resnet51' }] })).toThrow(/^trace\.json: requests\[0\]\.variant 'resnet51' is not in workload 'cnn' \(variants: mobilenet_block4_sparse60, /);
  });
  it('rejects an unknown sample', () => {
    expect(bad({ sloMult: 10, requests: [{ ...ok, sample: 200 }] })).toThrow("trace.json: requests[0].sample 200 does not exist for 'resnet50_block4_sparse60' (its samples are 0..199, 200 in all).");
  });
  it('rejects arrivals out of order', () => {
    expect(bad({ sloMult: 10, requests: [ok, { ...ok, arrival: 0.01 }] })).toThrow('trace.json: requests[1].arrival 0.01 is earlier than requests[0].arrival 0.0123; requests must be in arrival order.');
  });
  it('rejects a bad priority', () => {
    expect(bad({ sloMult: 10, requests: [{ ...ok, priority: 4 }] })).toThrow('trace.json: requests[0].priority is 4; it must be 1, 3 or 9.');
  });
  it('rejects a missing sloMult and wrong types, naming the field', () => {
    expect(bad({ requests: [ok] })).toThrow(/^trace\.json: sloMult: /);
    expect(bad({ sloMult: 10, requests: [{ ...ok, sample: 1.5 }] })).toThrow(/^trace\.json: requests\[0\]\.sample: /);
    expect(bad({ sloMult: 10, requests: [] })).toThrow(/^trace\.json: requests: /);
  });
  it('rejects a file that is not JSON', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"sloMult": 10,');
    expect(() => readTraceFile(path, workload)).toThrow(/bad\.json is not valid JSON/);
  });
});
