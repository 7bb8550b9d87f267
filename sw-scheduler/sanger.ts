// Sanger's analytical latency model for one attention layer (ALGORITHMS.md section 1), exactly in
// the spec's operation order: H = 768, a 64x64 tile of 16-PE rows at 1 GHz (G = 2048 GOPS), density
// `d` of the attention mask, load balance `b`, sequence length `n`.
export const SANGER_HIDDEN = 768;
export const SANGER_GOPS = 2048;
export const SANGER_DEFAULT_SEQ_LEN = 512;

export function sangerLayerLatency(density: number, balance: number, seqLen: number): number {
  const n = seqLen;
  const H = SANGER_HIDDEN;
  const G = SANGER_GOPS;
  const d = density;
  const b = balance;
  const tLin = (n * H * H * 2 * 3) / 1e9 / G;
  const tProj = (n * H * H * 2) / 1e9 / ((G / d) * b);
  const r = (d / b / 0.25) * n;
  const tAttn = ((r / 64) * ((H + 64 + (r + 64)) * (n / 64))) / 1e9;
  return tLin + tAttn + tProj;
}
