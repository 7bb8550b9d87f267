// Driver of `vec_run` (vectors.cpp): per-cycle stimulus for one block of the scheduler under test,
// run inside C++, and the outputs sampled in every cycle. Used by the block tests (each block of
// dysta_scheduler against its golden model); it knows the block only by its port names.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildSimulator, type BuildOptions, type Simulator } from '../build.ts';
import type { Session, StartOptions } from '../session.ts';

export const VECTOR_TRANSACTIONS = fileURLToPath(new URL('./vectors.cpp', import.meta.url));

/** One cycle: the value of every input, in the order of `inputs`. */
export type VectorCycle = readonly bigint[];

export class VectorSim {
  private runs = 0;
  private constructor(
    readonly simulator: Simulator,
    readonly session: Session,
    /** The top has a reset port (combinational blocks under a clocked wrapper have none). */
    readonly hasReset: boolean,
  ) {}

  /** Builds (or reuses) a simulator of `top` in `rtlDir` with the vector transaction, and starts it. */
  static async open(rtlDir: string, top: string, options: Omit<BuildOptions, 'rtlDir' | 'top' | 'extraSources'> & { start?: StartOptions } = {}): Promise<VectorSim> {
    const simulator = await buildSimulator({ ...options, rtlDir, top, extraSources: [VECTOR_TRANSACTIONS] });
    const hasReset = simulator.design.top.ports.some((p) => p.role === 'reset');
    return new VectorSim(simulator, await simulator.start({ timeoutMs: 600_000, ...options.start }), hasReset);
  }

  /**
   * Drives every input to zero for a cycle and resets for `resetCycles` (default 2, or none when
   * the top has no reset), then plays `cycles`; returns, per cycle, the value of
   * every output in `outputs` sampled after the inputs were set and before the clock edge.
   */
  async run(inputs: readonly string[], outputs: readonly string[], cycles: readonly VectorCycle[], resetCycles = this.hasReset ? 2 : 0): Promise<bigint[][]> {
    const n = this.runs++;
    const scriptPath = `${this.session.logPath}.vec-${n}.script`;
    const logPath = `${this.session.logPath}.vec-${n}.log`;
    const lines = [`in ${inputs.join(' ')}`, `out ${outputs.join(' ')}`];
    // Every input driven (zero) for one cycle before the reset; that cycle's sample is dropped.
    if (resetCycles > 0) lines.push(`c ${inputs.map(() => '0').join(' ')}`, `reset ${resetCycles}`);
    for (const c of cycles) {
      if (c.length !== inputs.length) throw new RangeError(`a cycle has ${c.length} values for ${inputs.length} inputs`);
      lines.push(`c ${c.map((v) => v.toString(16)).join(' ')}`);
    }
    writeFileSync(scriptPath, lines.join('\n') + '\n');
    const reply = await this.session.send(`vec_run ${scriptPath} ${logPath}`);
    const got = readFileSync(logPath, 'utf8').split('\n').filter((l) => l.length > 0);
    const played = Number(reply.trim());
    const skip = resetCycles > 0 ? 1 : 0;
    if (played !== cycles.length + skip || got.length !== played) throw new Error(`vec_run played ${played} cycles, logged ${got.length}, expected ${cycles.length + skip}`);
    return got.slice(skip).map((l) => l.split(' ').map((h) => BigInt(`0x${h}`)));
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}
