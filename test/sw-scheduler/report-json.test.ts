// `dysta simulate --json` writes its report in pieces, one per policy (reportJsonPieces): together
// they must be exactly JSON.stringify of the report, whatever the names and numbers hold.
import { describe, expect, it } from 'vitest';
import { reportJsonPieces, type SimulationReport } from '../../sw-scheduler/simulate-command.ts';

const record = (variant: string, finish: number) => ({ arrival: 0.1, variant, sample: 3, priority: 9, deadline: 1e-7, finish });
const entry = (finish: number, variant = 'net_a') => ({ violationRate: 0, antt: 1 / 3, stp: Infinity, dispatchesPerRequest: 1, requests: [record(variant, finish), record(variant, -0)] });

describe('the simulate report in pieces', () => {
  it('joins to JSON.stringify of the report, with a newline', () => {
    const reports: SimulationReport[] = [
      { policies: { fcfs: entry(2.5) } },
      { policies: { fcfs: entry(NaN), dysta: entry(1e300, 'r\u00e9seau "q" \\ \u4e2d'), sjf_sparse: entry(5e-324) } },
      { policies: {} },
    ];
    for (const report of reports) {
      const pieces = reportJsonPieces(report);
      expect(pieces.length).toBe(Object.keys(report.policies).length + 2);
      expect(pieces.join('')).toBe(JSON.stringify(report) + '\n');
    }
  });
});
