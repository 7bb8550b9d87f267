// Pareto fronts of the measured points. O(n^2) in the points, which is nothing next to measuring them.

/** An objective: a value per item, to be minimised ('min') or maximised ('max'). */
export interface Objective<T> {
  value: (item: T) => number | undefined;
  goal: 'min' | 'max';
}

/**
 * The items no other item dominates (at least as good in every objective and better in one). Items
 * without a finite value for every objective are left out. Equal items are all kept. The front is
 * returned sorted by the first objective, best first.
 */
export function paretoFront<T>(items: readonly T[], objectives: readonly Objective<T>[]): T[] {
  const scored = items
    .map((item) => ({ item, v: objectives.map((o) => o.value(item)) }))
    .filter((s): s is { item: T; v: number[] } => s.v.every((x) => typeof x === 'number' && Number.isFinite(x)))
    .map((s) => ({ item: s.item, v: s.v.map((x, k) => (objectives[k]!.goal === 'min' ? x : -x)) }));
  const front = scored.filter((a) => !scored.some((b) => b !== a && b.v.every((x, k) => x <= a.v[k]!) && b.v.some((x, k) => x < a.v[k]!)));
  return front.sort((a, b) => a.v[0]! - b.v[0]!).map((s) => s.item);
}
