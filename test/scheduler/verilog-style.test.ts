// The scheduler's generated Verilog reads as hand-written and every tool takes it: named states and
// constants, a `case` on the state, generate loops for the units, one find-first-set module per
// width instead of a long inline expression, no anonymous temporaries (`_t0`) and no degenerate
// constructs (`|x[39]`, `{{1{1'b0}}, x}`, `~~x`, `!|x`), short lines; Icarus (`-g2005`) elaborates
// every module of the design, including dysta_system.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { schedulerDesign } from './helpers.ts';

const configs: [string, Record<string, number | string>][] = [
  ['D=1', { log2Tasks: 1 }],
  ['D=6', { log2Tasks: 6 }],
  ['D=10, 1024 layers', { log2Tasks: 10, log2MaxLayers: 10 }],
  ['D=6, 4 units', { log2Tasks: 6, selectorUnits: 4 }],
  ['D=5, 8 units, 16-bit score, no time skip', { log2Tasks: 5, selectorUnits: 8, scoreWidth: 16, scoreShift: 4, timeSkip: 0 }],
  ['D=6, regression, 4 units', { log2Tasks: 6, selectorUnits: 4, predictor: 'regression' }],
  ['D=6, mhg', { log2Tasks: 6, policy: 'mhg' }],
  ['D=10, mhg + regression, 1024 layers', { log2Tasks: 10, log2MaxLayers: 10, policy: 'mhg', predictor: 'regression' }],
];

const SCHEDULER_FILE = /^(dysta_(?!system)\w+|find_first_set_\d+)\.v$/;

describe('scheduler Verilog style', () => {
  it.each(configs)('%s', async (name, scheduler) => {
    const { dir } = schedulerDesign(scheduler, `style${name.replace(/[^A-Za-z0-9]/g, '')}`);
    const files = readdirSync(dir).filter((f) => SCHEDULER_FILE.test(f));
    const policyFiles = scheduler.policy === 'mhg' ? ['mhg_policy.v'] : ['dysta_policy.v', 'dysta_score_unit.v', 'dysta_selector.v'];
    const all = readdirSync(dir);
    expect(all).toEqual(expect.arrayContaining(['dysta_scheduler.v', 'dysta_task_table.v', 'dysta_task_bank.v', 'dysta_predictor.v', ...policyFiles]));
    if (scheduler.policy === 'mhg') {
      files.push('mhg_policy.v');
      expect(all).not.toContain('dysta_score_unit.v');
      const mhg = readFileSync(join(dir, 'mhg_policy.v'), 'utf8');
      expect(mhg).toMatch(/case \(phase\)\n\s+PH_IDLE: begin/);
      expect(mhg).toContain('localparam [3:0] PH_VICTIM');
    }
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      const code = text.split('\n').filter((l) => !l.trimStart().startsWith('//'));
      expect(text, file).not.toMatch(/\b_t\d+\b/);
      expect(text, file).not.toMatch(/\{\{1\{/);
      expect(text, file).not.toMatch(/~~|!\||!&/);
      // A unary OR of one bit: `|x[39]` (but not `a || x[3]` or `a | x[3]`).
      expect(code.join('\n'), file).not.toMatch(/(^|[(=?:,{]\s*)\|[A-Za-z_]\w*\[\d+\]/m);
      expect(Math.max(...code.map((l) => l.length)), file).toBeLessThan(400);
    }
    const top = readFileSync(join(dir, 'dysta_scheduler.v'), 'utf8');
    expect(top).toContain('localparam [2:0] ST_IDLE = 3\'d0;');
    expect(top).toMatch(/case \(state\)\n\s+ST_IDLE: begin/);
    expect(top).toContain('state <= ST_IDLE;');
    expect(readFileSync(join(dir, 'dysta_predictor.v'), 'utf8')).toMatch(/case \(stage\)\n\s+STAGE_COUNT: begin/);
    // Several units: a generate loop of score units and of banks.
    if (Number(scheduler.selectorUnits ?? 1) > 1) {
      expect(readFileSync(join(dir, 'dysta_policy.v'), 'utf8')).toMatch(/for \(u = 0; u < \d+; u = u \+ 1\) begin : g_unit\n\s+dysta_score_unit u_score \(/);
      expect(readFileSync(join(dir, 'dysta_task_table.v'), 'utf8')).toMatch(/begin : g_bank\n/);
    }
    // Icarus elaborates the whole design (every top).
    const list = readFileSync(join(dir, 'files.f'), 'utf8').trim().split('\n').map((f) => join(dir, f));
    for (const t of ['dysta_scheduler', 'dysta_system']) {
      const r = await execa('iverilog', ['-g2005', '-o', '/dev/null', '-s', t, ...list], { reject: false, all: true });
      expect(r.all, `iverilog -s ${t}`).toBe('');
      expect(r.exitCode).toBe(0);
    }
  });
});
