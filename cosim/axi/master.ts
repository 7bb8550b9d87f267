// An AXI4-Lite master on a cosim Session: drives the s_axi_* ports of a slave cycle by cycle, with
// optional random stalls (the write data before or after its address, bready/rready held low), and
// returns the response. Works on any top with AXI4-Lite slave ports named s_axi_*; it never imports hwgen.
import type { Session } from '../session.ts';

export interface AxiStalls {
  /** Random source in [0, 1); a seeded one gives replayable traffic. Default: no stalls. */
  random?: () => number;
  /** Chance per cycle that bready / rready is held low. */
  readyStall?: number;
  /** Largest delay (cycles) of W after AW or AW after W. */
  maxSkew?: number;
}

export class AxiLiteMaster {
  /** Clock cycles this master has run. */
  cycles = 0;
  constructor(
    private readonly s: Session,
    private readonly stalls: AxiStalls = {},
  ) {}

  async idle(): Promise<void> {
    for (const p of ['s_axi_awvalid', 's_axi_wvalid', 's_axi_arvalid', 's_axi_awprot', 's_axi_arprot']) void this.s.poke(p, 0);
    void this.s.poke('s_axi_bready', 1);
    await this.s.poke('s_axi_rready', 1);
  }

  private roll(p: number | undefined): boolean {
    return !!p && !!this.stalls.random && this.stalls.random() < p;
  }
  private skew(): number {
    const r = this.stalls.random;
    return r && this.stalls.maxSkew ? Math.floor(r() * (this.stalls.maxSkew + 1)) : 0;
  }

  private async tick(): Promise<void> {
    this.cycles++;
    await this.s.tick(1);
  }

  /** One write; resolves with bresp (0 OKAY, 2 SLVERR). */
  async write(addr: number, data: number | bigint, strb = 0xf): Promise<number> {
    const s = this.s;
    // Address first or data first, by a random number of cycles.
    const awAt = this.roll(0.5) ? this.skew() : 0;
    const wAt = awAt === 0 ? this.skew() : 0;
    let awDone = false, wDone = false;
    void s.poke('s_axi_awaddr', addr);
    void s.poke('s_axi_wdata', BigInt(data) & 0xffffffffn);
    void s.poke('s_axi_wstrb', strb);
    for (let k = 0; !(awDone && wDone); k++) {
      const awValid = !awDone && k >= awAt;
      const wValid = !wDone && k >= wAt;
      void s.poke('s_axi_awvalid', awValid ? 1 : 0);
      void s.poke('s_axi_wvalid', wValid ? 1 : 0);
      const [awReady, wReady] = await Promise.all([s.peek('s_axi_awready'), s.peek('s_axi_wready')]);
      await this.tick();
      if (awValid && awReady) awDone = true;
      if (wValid && wReady) wDone = true;
      if (k > 10_000) throw new Error(`AXI write to 0x${addr.toString(16)}: no handshake in 10000 cycles`);
    }
    void s.poke('s_axi_awvalid', 0);
    void s.poke('s_axi_wvalid', 0);
    for (let k = 0; ; k++) {
      const ready = !this.roll(this.stalls.readyStall);
      void s.poke('s_axi_bready', ready ? 1 : 0);
      const [valid, resp] = await Promise.all([s.peek('s_axi_bvalid'), s.peek('s_axi_bresp')]);
      await this.tick();
      if (valid && ready) {
        void s.poke('s_axi_bready', 0);
        return Number(resp);
      }
      if (k > 10_000) throw new Error(`AXI write to 0x${addr.toString(16)}: no response in 10000 cycles`);
    }
  }

  /** One read; resolves with the data and rresp. `at` is the cycle (of this master) the address was taken. */
  async read(addr: number): Promise<{ data: bigint; resp: number; at: number }> {
    const s = this.s;
    void s.poke('s_axi_araddr', addr);
    void s.poke('s_axi_arvalid', 1);
    let at = -1;
    for (let k = 0; at < 0; k++) {
      const ready = await s.peek('s_axi_arready');
      if (ready) at = this.cycles;
      await this.tick();
      if (k > 10_000) throw new Error(`AXI read of 0x${addr.toString(16)}: no address handshake in 10000 cycles`);
    }
    void s.poke('s_axi_arvalid', 0);
    for (let k = 0; ; k++) {
      const ready = !this.roll(this.stalls.readyStall);
      void s.poke('s_axi_rready', ready ? 1 : 0);
      const [valid, data, resp] = await Promise.all([s.peek('s_axi_rvalid'), s.peek('s_axi_rdata'), s.peek('s_axi_rresp')]);
      await this.tick();
      if (valid && ready) {
        void s.poke('s_axi_rready', 0);
        return { data, resp: Number(resp), at };
      }
      if (k > 10_000) throw new Error(`AXI read of 0x${addr.toString(16)}: no data in 10000 cycles`);
    }
  }
}
