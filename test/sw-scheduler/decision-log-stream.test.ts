// The decision log is streamed (issue 8: `simulate --requests 10000 --load 1.1 --decision-log
// big.jsonl` ran out of heap after 70 s and wrote nothing). Here an overloaded run writes a log several
// times larger than the JavaScript heap it is given: it must finish, with the table and every line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'dysta-declog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const BIN = new URL('../../bin/dysta.js', import.meta.url).pathname;
const HEAP_MB = 40;

describe('decision log', () => {
  it(`an overloaded run writes a log larger than a ${HEAP_MB} MB heap, in bounded memory`, async () => {
    const log = join(dir, 'big.jsonl');
    const r = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, BIN, 'simulate', '--requests', '1200', '--load', '1.1', '--policies', 'fcfs', '--decision-log', log],
      { encoding: 'utf8' },
    );
    expect(r.stderr).not.toMatch(/heap|FATAL/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nfcfs\s+\d\.\d{4}/);
    const m = /wrote (\d+) decisions to /.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(statSync(log).size).toBeGreaterThan(4 * HEAP_MB * 1e6); // about 210 MB
    let lines = 0;
    let last = '';
    for await (const line of createInterface({ input: createReadStream(log) })) {
      lines++;
      last = line;
    }
    expect(lines).toBe(Number(m![1]));
    expect(JSON.parse(last).policy).toBe('fcfs');
    expect(readdirSync(dir)).toEqual(['big.jsonl']);
  }, 300_000);
});
