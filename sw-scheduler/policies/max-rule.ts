// The artifact's "max-rule" selection used by planaria and sdrm3 (ALGORITHMS.md section 4), kept
// exactly, including its odd handling of negative (overdue) scores: a choice with a negative score is
// replaced by whichever task comes next.
export function selectByMaxRule(ready: Int32Array, count: number, score: Float64Array, arrival: Float64Array): number {
  let chosen = -1;
  let chosenScore = 0;
  let chosenArrival = 0;
  for (let i = 0; i < count; i++) {
    const s = score[i];
    if (chosen < 0 || chosenScore < 0 || chosenScore <= s) {
      const a = arrival[ready[i]];
      // On an exact tie, a choice that arrived strictly earlier keeps its place.
      if (chosen >= 0 && s === chosenScore && chosenArrival < a) continue;
      chosen = i;
      chosenScore = s;
      chosenArrival = a;
    }
  }
  return chosen;
}
