// The Pareto front against its definition, checked independently: every front point is dominated by
// no point, every other point is dominated by some front point; plus a hand-worked case.
import { describe, expect, it } from 'vitest';
import { paretoFront, type Objective } from '../../dse/index.ts';

interface P {
  name: string;
  lut?: number;
  vio?: number;
}
const objectives: Objective<P>[] = [
  { value: (p) => p.lut, goal: 'min' },
  { value: (p) => p.vio, goal: 'min' },
];

describe('paretoFront', () => {
  it('a hand-worked front: minimise LUTs and violation rate', () => {
    const pts: P[] = [
      { name: 'a', lut: 2000, vio: 0.35 },
      { name: 'b', lut: 2100, vio: 0.35 }, // dominated by a
      { name: 'c', lut: 2600, vio: 0.1 },
      { name: 'd', lut: 2600, vio: 0.1 }, // equal to c: both kept
      { name: 'e', lut: 5800, vio: 0.1 }, // dominated by c
      { name: 'f', lut: 9000, vio: 0.05 },
      { name: 'g', lut: 1000 }, // not measured: left out
      { name: 'h', lut: 1500, vio: Number.NaN },
    ];
    expect(paretoFront(pts, objectives).map((p) => p.name)).toEqual(['a', 'c', 'd', 'f']);
    // Maximising the second objective instead: the front is the largest violation at each area.
    const maxVio: Objective<P>[] = [objectives[0]!, { value: (p) => p.vio, goal: 'max' }];
    expect(paretoFront(pts, maxVio).map((p) => p.name)).toEqual(['a']);
    // Fmax (max) against latency (min): higher clock and lower latency both win.
    const fl = [
      { name: 'x', lut: 100, vio: 20 },
      { name: 'y', lut: 80, vio: 18 },
      { name: 'z', lut: 120, vio: 40 },
    ];
    expect(paretoFront(fl, [{ value: (p) => p.lut, goal: 'max' }, { value: (p) => p.vio, goal: 'min' }]).map((p) => p.name)).toEqual(['z', 'x', 'y']);
  });

  it('random point sets: the front is exactly the non-dominated points', () => {
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rand() * 30);
      // Coarse values so ties and duplicates occur.
      const pts: P[] = Array.from({ length: n }, (_, i) => ({ name: String(i), lut: Math.floor(rand() * 7), vio: Math.floor(rand() * 7) / 7 }));
      const front = new Set(paretoFront(pts, objectives));
      const dominates = (a: P, b: P) => a.lut! <= b.lut! && a.vio! <= b.vio! && (a.lut! < b.lut! || a.vio! < b.vio!);
      for (const p of pts) {
        const dominated = pts.some((q) => dominates(q, p));
        expect(front.has(p)).toBe(!dominated);
      }
      const sorted = [...front].map((p) => p.lut!);
      expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    }
  });
});
