// Parsers of the tools' reports (tested on real output in test/fpga/fixtures/): Yosys `stat -json`,
// nextpnr-ice40 `--report` JSON and log, icetime's summary.

export class ReportError extends Error {
  readonly userError = true as const;
  constructor(message: string) {
    super(message);
    this.name = 'ReportError';
  }
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ReportError(`${what} is not valid JSON (${(err as Error).message})`);
  }
}

/** Cell counts by type from `tee -o FILE stat -json` (the whole design, or `top` if given). */
export function parseYosysStat(text: string, top?: string): Record<string, number> {
  const stat = parseJson(text, 'yosys stat -json output') as { design?: { num_cells_by_type?: Record<string, number> }; modules?: Record<string, { num_cells_by_type?: Record<string, number> }> };
  const byType = top && stat.modules?.[`\\${top}`] ? stat.modules[`\\${top}`]!.num_cells_by_type : stat.design?.num_cells_by_type;
  if (!byType) throw new ReportError('yosys stat -json output has no design.num_cells_by_type');
  return byType;
}

export interface NextpnrReport {
  /** Achieved Fmax of the (only) clock, MHz. */
  fmaxMHz: number;
  /** The constraint it was placed and routed for, MHz. */
  constraintMHz: number;
  clock: string;
  utilization: Record<string, { used: number; available: number }>;
  /** Steps of the worst register-to-register path: logic levels, carry steps, routing share. */
  criticalPath?: { logicNs: number; routingNs: number; lutLevels: number; carrySteps: number };
}

interface NextpnrPathStep {
  type: string;
  delay: number;
  from: { cell: string; port: string };
  to: { cell: string; port: string };
}

/** nextpnr `--report FILE` JSON: the clock's achieved Fmax, utilisation and the critical path summary. */
export function parseNextpnrReport(text: string): NextpnrReport {
  const r = parseJson(text, 'nextpnr --report output') as {
    fmax?: Record<string, { achieved: number; constraint: number }>;
    utilization?: Record<string, { used: number; available: number }>;
    critical_paths?: { from: string; to: string; path: NextpnrPathStep[] }[];
  };
  const clocks = Object.entries(r.fmax ?? {});
  if (clocks.length === 0) throw new ReportError('nextpnr report has no clock in "fmax" (was the design clocked?)');
  // The slowest clock (the designs have one).
  const [clock, f] = clocks.reduce((a, b) => (b[1].achieved < a[1].achieved ? b : a));
  const path = (r.critical_paths ?? []).find((p) => p.from.startsWith('posedge') && p.to.startsWith('posedge'));
  let criticalPath: NextpnrReport['criticalPath'];
  if (path) {
    let logic = 0, routing = 0, luts = 0, carry = 0;
    for (const s of path.path) {
      if (s.type === 'routing') routing += s.delay;
      else logic += s.delay;
      if (s.type === 'logic') {
        if (s.to.port === 'COUT') carry++;
        else if (/^I[0-3]$/.test(s.from.port) && s.to.port === 'O') luts++;
      }
    }
    criticalPath = { logicNs: round3(logic), routingNs: round3(routing), lutLevels: luts, carrySteps: carry };
  }
  return { fmaxMHz: round2(f.achieved), constraintMHz: f.constraint, clock, utilization: r.utilization ?? {}, criticalPath };
}

/** The first ERROR line of a nextpnr log (why it stopped), if any. */
export function nextpnrError(log: string): string | undefined {
  const line = log.split('\n').find((l) => /^ERROR:/.test(l));
  return line?.replace(/^ERROR:\s*/, '').trim();
}

/** icetime's "Total path delay: 42.38 ns (23.60 MHz)". */
export function parseIcetime(text: string): { delayNs: number; fmaxMHz: number; logicLevels?: number } {
  const m = /Total path delay:\s*([\d.]+)\s*ns\s*\(([\d.]+)\s*MHz\)/.exec(text);
  if (!m) {
    if (/Can't find chipdb file/.test(text)) throw new ReportError('icetime cannot find its chip database: install it with `make setup` (or `apt-get install fpga-icestorm-chipdb`)');
    throw new ReportError(`icetime printed no "Total path delay" line: ${text.trim().split('\n').slice(-3).join(' / ')}`);
  }
  const levels = /Total number of logic levels:\s*(\d+)/.exec(text);
  return { delayNs: Number(m[1]), fmaxMHz: Number(m[2]), ...(levels ? { logicLevels: Number(levels[1]) } : {}) };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
