// The FPGA targets of `dysta synth`: how Yosys maps to each, which device the fit is checked
// against, and (iCE40) how nextpnr, icetime and icepack are called.

export type TargetName = 'xc7' | 'xcup' | 'ice40-up5k' | 'ice40-hx8k';
export const TARGET_NAMES: readonly TargetName[] = ['xc7', 'xcup', 'ice40-up5k', 'ice40-hx8k'];

export interface Capacity {
  luts: number;
  ffs: number;
  dsps: number;
  brams: number;
}

export interface Target {
  name: TargetName;
  vendor: 'xilinx' | 'ice40';
  /** Yosys synthesis command (without -top). */
  synth: string;
  /** The device the fit is checked against, as a user would name it. */
  device: string;
  capacity: Capacity;
  /** What one BRAM unit is (for messages). */
  bramUnit: string;
  /** nextpnr-ice40 device flag and package; icetime device name. */
  pnr?: { flag: string; package: string; icetime: string };
}

export const TARGETS: Record<TargetName, Target> = {
  // Zynq-7020 (the Zedboard/PYNQ-Z1 part): 53,200 LUT6, 106,400 FF, 220 DSP48E1, 140 RAMB36.
  xc7: { name: 'xc7', vendor: 'xilinx', synth: 'synth_xilinx -family xc7 -flatten', device: 'xc7z020', capacity: { luts: 53200, ffs: 106400, dsps: 220, brams: 140 }, bramUnit: 'RAMB36 (a RAMB18 counts 1/2)' },
  // Zynq UltraScale+ ZU9EG (ZCU102): 274,080 LUT6, 548,160 FF, 2,520 DSP48E2, 912 RAMB36.
  xcup: { name: 'xcup', vendor: 'xilinx', synth: 'synth_xilinx -family xcup -flatten', device: 'xczu9eg', capacity: { luts: 274080, ffs: 548160, dsps: 2520, brams: 912 }, bramUnit: 'RAMB36 (a RAMB18 counts 1/2)' },
  // iCE40 UltraPlus 5K: 5,280 LUT4 + FF (one per logic cell), 8 SB_MAC16, 30 SB_RAM40_4K.
  'ice40-up5k': { name: 'ice40-up5k', vendor: 'ice40', synth: 'synth_ice40 -dsp', device: 'iCE40UP5K-SG48', capacity: { luts: 5280, ffs: 5280, dsps: 8, brams: 30 }, bramUnit: 'SB_RAM40_4K', pnr: { flag: '--up5k', package: 'sg48', icetime: 'up5k' } },
  // iCE40 HX8K: 7,680 LUT4 + FF, no multipliers, 32 SB_RAM40_4K.
  'ice40-hx8k': { name: 'ice40-hx8k', vendor: 'ice40', synth: 'synth_ice40', device: 'iCE40HX8K-CT256', capacity: { luts: 7680, ffs: 7680, dsps: 0, brams: 32 }, bramUnit: 'SB_RAM40_4K', pnr: { flag: '--hx8k', package: 'ct256', icetime: 'hx8k' } },
};

/** LUT / FF / DSP / BRAM totals from Yosys cell counts (stat). */
export function resourcesOf(cells: Record<string, number>, vendor: Target['vendor']): Capacity {
  let luts = 0, ffs = 0, dsps = 0, brams = 0;
  for (const [type, n] of Object.entries(cells)) {
    if (vendor === 'xilinx') {
      if (/^LUT[1-6]$/.test(type)) luts += n;
      // Distributed RAM and shift registers occupy LUTs too (a RAM64M is four, a RAM32M16 eight).
      else if (/^RAM(32|64|128|256)X1[SD]/.test(type)) luts += n * (type.startsWith('RAM128') ? 2 : type.startsWith('RAM256') ? 4 : 1) * (type.includes('X1D') ? 2 : 1);
      else if (/^RAM(32|64)M$/.test(type)) luts += 4 * n;
      else if (/^RAM(32M16|64M8)$/.test(type)) luts += 8 * n;
      else if (/^SRL/.test(type)) luts += n;
      else if (/^FD[CPRS]E(_1)?$/.test(type)) ffs += n;
      else if (/^DSP48/.test(type)) dsps += n;
      else if (/^RAMB36/.test(type)) brams += n;
      else if (/^RAMB18/.test(type)) brams += n / 2;
    } else {
      if (type === 'SB_LUT4') luts += n;
      else if (/^SB_DFF/.test(type)) ffs += n;
      else if (type === 'SB_MAC16') dsps += n;
      else if (type === 'SB_RAM40_4K') brams += n;
    }
  }
  return { luts, ffs, dsps, brams };
}

/** Resources that exceed the device, each with how far: empty when the design fits. */
export function overflow(used: Capacity, target: Target): { resource: keyof Capacity; used: number; available: number }[] {
  return (Object.keys(used) as (keyof Capacity)[])
    .filter((k) => used[k] > target.capacity[k])
    .map((k) => ({ resource: k, used: used[k], available: target.capacity[k] }));
}

const RESOURCE_NAME: Record<keyof Capacity, string> = { luts: 'LUT', ffs: 'FF', dsps: 'DSP', brams: 'BRAM' };

/** "does not fit iCE40UP5K-SG48: LUT 7000 of 5280 (1720 over, 133%)". */
export function overflowMessage(used: Capacity, target: Target): string | undefined {
  const over = overflow(used, target);
  if (over.length === 0) return undefined;
  const parts = over.map((o) =>
    o.available === 0
      ? `${RESOURCE_NAME[o.resource]} ${o.used} (the device has none)`
      : `${RESOURCE_NAME[o.resource]} ${o.used} of ${o.available} (${o.used - o.available} over, ${Math.round((100 * o.used) / o.available)}%)`,
  );
  return `does not fit ${target.device}: ${parts.join('; ')}`;
}
