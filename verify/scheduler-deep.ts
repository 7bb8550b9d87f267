// Scheduler cases for the states the other cases do not reach: the counters read at the other
// clock parity, a free-slot pattern across the find-first-set groups, products whose top partial
// product stays below the clamp, and, through a preset start (schedulerPresets: the counters and
// the sequence number written after reset, the golden model started from the same values),
// sequence numbers around 2^14..2^31 and event counts of 2^29 and more. Each is compared with the
// golden model line for line like every script case; the checks here say the case did what it is
// named after.
import type { ScriptVariant } from '../cosim/scheduler/driver.ts';
import { encodeReciprocal, layersRun, schedulerFormats, schedulerPresets, type SchedulerConfig } from '../hwgen/index.ts';
import { maxOf } from '../hwgen/scheduler/formats.ts';
import { parseDecisions, request, uniformVariant, type SchedulerCase } from './scheduler-cases.ts';
import { minLayerCycles } from './scheduler-scenarios.ts';

const kLine = (lines: readonly string[]) => lines.at(-1)!.split(' ').slice(1).map(BigInt);

export function deepCases(cfg: SchedulerConfig): SchedulerCase[] {
  const f = schedulerFormats(cfg);
  const min = minLayerCycles(cfg);
  const start = 10_000n;
  const cases: SchedulerCase[] = [];

  {
    // The counters are read once, at the end (K). In the other cases that read lands on the same
    // clock parity after the last decision and after a selection of the same parity (a time skip
    // is one cycle whatever its length), so a register whose wrong value alternates with the right
    // one every cycle reads right. Here the last decision waits for a completion event the host
    // holds 25 cycles, and the last layer streams 5 rows through the monitor: both parities
    // change. 512 admissions put bit 9 of the admission count up when it is read.
    const n = 512;
    const v = uniformVariant(cfg, 0, 1, min * 2n);
    const L = min + 80n;
    const at = (i: number) => start + BigInt(Math.min(i, n - 2)) * (L + 70n) + (i === n - 1 ? 1n : 0n);
    const requests = Array.from({ length: n }, (_, i) => {
      const r = request(at(i), v, f, { deadline: at(i) + 5000n, scale: 1n << 16n, cycles: () => L, nnz: () => 3n });
      return i === n - 1 ? { ...r, layers: r.layers.map((l) => ({ ...l, rows: 5 })) } : r;
    });
    cases.push({
      name: 'counter-parity',
      about: `${n} admissions; the last decision held back by a stalled completion event, the last layer streaming 5 rows: the counters read at the other clock parity`,
      script: { start, variants: [v], requests },
      evStall: 25,
      check: (lines) => {
        const last = parseDecisions(lines).at(-1)!;
        if (last.tEvent - last.tSel <= BigInt(last.scores.size + 7)) return 'the last decision was not held back by the stalled event';
        return kLine(lines)[2] === BigInt(n) ? undefined : `the admission count read ${kLine(lines)[2]}, not ${n}`;
      },
    });
  }

  {
    // Two free slots with every find-first-set group below each full but their own: the whole
    // table fills, then the requests in slots 3/8 and 5/8 of the table (24 and 40 of 64: groups 3
    // and 5 of 8) run first and complete while nobody is waiting, and the next admission must
    // take the lower one only. Request 0 runs a long first layer while the others fill the table;
    // one more waits refused and takes slot 0 when it frees.
    const slots = f.tasks;
    const low = Math.max(1, Math.floor((slots * 3) / 8));
    const high = Math.max(low + 1, Math.floor((slots * 5) / 8));
    const v = uniformVariant(cfg, 0, 1, min * 2n);
    const far = start + 1_000_000_000n;
    // Layers much longer than the cycles around a decision (a scan of the table, reads, events).
    const around = BigInt(2 * slots + 120);
    const layer = min * 8n + BigInt(slots * 8) + 600n;
    const first = min * 4n + BigInt(slots * 2);
    const requests = Array.from({ length: slots + 1 }, (_, i) =>
      request(start + (i === 0 ? 0n : 1n), v, f, { deadline: i === low || i === high ? 0n : far, scale: 0n, cycles: () => (i === 0 ? first : layer), nnz: () => 500n }),
    );
    // After request 0 (first), `low` and `high` ran a layer each: in the middle of the next layer.
    requests.push(request(start + first + 2n * (layer + around) + layer / 2n, v, f, { deadline: far, scale: 0n, cycles: () => layer, nnz: () => 500n }));
    if (high >= slots) cases.push({ name: 'free-slot-groups', about: 'two free slots in different find-first-set groups', skip: `a table of ${slots} slots has no two slots above slot 0 to free` });
    else cases.push({
      name: 'free-slot-groups',
      about: `a full table frees slots ${low} and ${high} only: the next admission takes slot ${low} alone`,
      script: { start, variants: [v], requests },
      check: (lines) => (lines.includes(`A ${slots + 1} ${low}`) && parseDecisions(lines)[2]?.slot === high ? undefined : `request ${slots + 1} was not admitted into slot ${low} while slot ${high} was free`),
    });
  }

  {
    // Non-zero counts above 2^24 (the trace NPU's npu_count) times mantissas above 2^17, shifted
    // far enough to stay below the ratio's clamp: the nnz x mantissa product's top partial product
    // (count bits 24+ times mantissa bits 17+) reaches the ratio, gamma and P read back.
    const wide: { nnz: bigint; mant: bigint; shift: number }[] = [
      { nnz: (1n << 31n) + (3n << 24n) + 777n, mant: (1n << 23n) + 12_345n, shift: 40 },
      { nnz: maxOf(f.nnzWidth), mant: maxOf(f.recipWidth), shift: Number(maxOf(f.recipShiftWidth)) },
      { nnz: 0x9a_00_00_00n + 0x1234n, mant: 0xc5_e0_00_00n + 99n, shift: 50 },
      { nnz: (1n << 24n) + 5n, mant: (1n << 17n) + 1n, shift: 20 },
    ].map((w) => ({ nnz: w.nnz & maxOf(f.nnzWidth), mant: w.mant & maxOf(f.recipWidth), shift: Math.min(w.shift, Number(maxOf(f.recipShiftWidth))) }));
    const runs = layersRun(f, 2);
    const variants: ScriptVariant[] = wide.map((w, i) => ({
      variant: i % f.variants,
      nlayers: 2,
      suffix0: min * 4n,
      layers: Array.from({ length: runs }, (_, l) => ({ ...(l === 0 ? { mant: w.mant, shift: w.shift } : encodeReciprocal(f, 1000)), suffixNext: l === 0 ? min * 2n : 0n })),
    }));
    const used = variants.filter((v, i) => variants.findIndex((u) => u.variant === v.variant) === i);
    const requests = used.map((v, i) => request(start + BigInt(i) * min * 6n, v, f, { deadline: start + 100_000_000n, scale: 1n << 16n, cycles: () => min + 20n, nnz: (l) => (l === 0 ? wide[variants.indexOf(v)]!.nnz : 900n) }));
    cases.push({
      name: 'wide-counts',
      about: 'non-zero counts of 2^24 and more times mantissas of 2^17 and more, shifted below the ratio clamp: the top partial product of nnz x mantissa',
      script: { start, variants: used, requests },
    });
  }

  if (f.timeSkip) {
    // idle x penalty scale with both operands' high pieces set (idle bits 24+, scale bits 17+),
    // the product just below the penalty's clamp (2^55 before the 16-bit shift): requests wait
    // 2^37, 2^36 and 2^30 cycles behind one long layer with scales of 2^17, 2^18 and 2^24 (+ a few),
    // deadlines past, so every score read back carries the top partial product.
    const s0 = 1n << 40n;
    const end = s0 + (1n << 37n) + (1n << 20n);
    const v = uniformVariant(cfg, 0, 1, min * 2n);
    const waiter = (arrival: bigint, scale: bigint) => request(arrival, v, f, { deadline: 0n, scale: scale & maxOf(f.penaltyScaleWidth), cycles: () => min + 7n, nnz: () => 900n });
    const requests = [
      request(s0, v, f, { deadline: 0n, scale: 1n, cycles: () => end - s0, nnz: () => 900n }),
      waiter(s0 + 1000n, (1n << 17n) + 3n),
      waiter(end - (1n << 36n), (1n << 18n) + 1n),
      waiter(end - (1n << 30n), (1n << 24n) + 5n),
    ];
    cases.push({
      name: 'idle-scale-top',
      about: 'waits of 2^30-2^37 cycles times penalty scales of 2^17-2^24, below the clamp: the top partial product of idle x scale in the scores',
      script: { start: s0, variants: [v], requests },
    });
  } else {
    cases.push({ name: 'idle-scale-top', about: 'waits of 2^30-2^37 cycles times penalty scales above 2^17', skip: 'scheduler.timeSkip = 0: the design has no time-skip ports, and a layer of 2^37 cycles one at a time would take days' });
  }

  // Preset starts. Sequence numbers: ties among equal requests whose admission numbers straddle
  // 2^14, 2^18, 2^22, 2^25 + 2^14 and 2^31 (a run reaches 2^13 in seconds; 2^18 would take
  // minutes, 2^31 days): every tie must still go to the earliest admission.
  const twins = Math.max(1, Math.min(4, f.tasks - 1));
  for (const [label, boundary] of [
    ['14', 1n << 14n],
    ['18', 1n << 18n],
    ['22', 1n << 22n],
    ['25', (1n << 25n) + (1n << 14n)],
    ['31', 1n << 31n],
  ] as const) {
    const name = `sequence-bit-${label}`;
    if (boundary + 64n > maxOf(f.seqWidth)) {
      cases.push({ name, about: `ties across sequence number ${boundary}`, skip: `scheduler.seqWidth = ${f.seqWidth}: sequence numbers wrap below ${boundary} (sequence-ties covers every bit of them)` });
      continue;
    }
    const v = uniformVariant(cfg, 0, 1, min * 2n);
    const leaderCycles = min + BigInt(10 * twins);
    const spacing = BigInt(twins + 1) * (min + BigInt(f.tasks) + 40n) + leaderCycles;
    const groups = 3;
    const requests = Array.from({ length: groups * (twins + 1) }, (_, i) => {
      const g = Math.floor(i / (twins + 1));
      const leader = i % (twins + 1) === 0;
      const arrival = start + BigInt(g) * spacing + (leader ? 0n : 1n);
      return request(arrival, v, f, { deadline: arrival + 50n * min, scale: 3n << 14n, cycles: () => (leader ? leaderCycles : min), nnz: () => 900n });
    });
    const initial = { seqNext: boundary - 2n };
    cases.push({
      name,
      about: `sequence numbers preset to ${boundary - 2n}: ties among equal requests admitted on either side of ${boundary}`,
      script: { start, variants: [v], requests, initial, presets: schedulerPresets(f, initial) },
      check: (lines) => {
        const ds = parseDecisions(lines);
        const wrong = ds.findIndex((d, k) => d.req !== k);
        if (wrong >= 0) return `decision ${wrong} ran request ${ds[wrong]!.req}, not the earliest admitted`;
        const seqs = lines.filter((l) => l.startsWith('G ')).map((l) => BigInt(l.split(' ').at(-1)!));
        return seqs.some((s) => s < boundary) && seqs.some((s) => s >= boundary) ? undefined : `no read-back showed sequence numbers on both sides of ${boundary}`;
      },
    });
  }

  {
    // Event counts far beyond a run (2^24 events take minutes; 2^29 hours): decisions 3 below
    // a carry into the high half at 3 x 2^24, completions 2 below one at 2^27, admissions 2 below
    // one at 2^29 + 2^24, stall cycles from 2^40 + 5. The counters read at the end are the preset
    // plus this run's counts.
    const initial = { decisions: (3n << 24n) - 3n, completions: (1n << 27n) - 2n, admissions: (1n << 29n) + (1n << 24n) - 2n, admitStalls: (1n << 40n) + 5n };
    const v = uniformVariant(cfg, 0, 2, min * 2n);
    const requests = [0, 1, 2].map((i) => request(start + BigInt(i), v, f, { deadline: start + BigInt(10 + i) * min, scale: 1n << 16n, cycles: (l) => min + BigInt(l * 3 + i), nnz: (l) => BigInt(800 + l * 50) }));
    cases.push({
      name: 'counter-presets',
      about: 'decisions, completions and admissions preset just below a carry into their high halves (at 3 x 2^24, 2^27, 2^29 + 2^24), stall cycles from 2^40 + 5: the counters read on from there',
      script: { start, variants: [v], requests, initial, presets: schedulerPresets(f, initial) },
      check: (lines) => (kLine(lines)[0]! >= 3n << 24n ? undefined : `the decision count read ${kLine(lines)[0]}, below the carry at 3 x 2^24`),
    });
  }
  return cases;
}
