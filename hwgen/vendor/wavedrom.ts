// Timing diagrams of the host protocol as WaveDrom JSON, rendered to SVG with the `wavedrom` npm
// package (pure JavaScript, no browser). The JSON goes into rtl-out/README.md so a reader can edit
// and re-render it; the SVG files sit next to it.
import { createRequire } from 'node:module';

export interface WaveLane {
  name: string;
  wave: string;
  data?: string[];
}

export interface WaveDiagram {
  /** File name of the rendered SVG (in rtl-out/). */
  file: string;
  title: string;
  signal: (WaveLane | Record<string, never>)[];
  head?: { text: string; tick?: number };
  foot?: { text: string };
}

interface WaveDromModule {
  renderAny(index: number, source: unknown, skin: unknown): unknown;
  waveSkin: unknown;
  onml: { stringify(tree: unknown): string };
}

/** The diagram without the file name: what WaveDrom reads. */
export function waveJson(d: WaveDiagram): { signal: WaveDiagram['signal']; head?: WaveDiagram['head']; foot?: WaveDiagram['foot'] } {
  return { signal: d.signal, ...(d.head ? { head: d.head } : {}), ...(d.foot ? { foot: d.foot } : {}) };
}

let wavedrom: WaveDromModule | undefined;

/** SVG text of one diagram. `index` makes element ids unique when several share a page. */
export function renderWaveSvg(d: WaveDiagram, index: number): string {
  wavedrom ??= createRequire(import.meta.url)('wavedrom') as WaveDromModule;
  return wavedrom.onml.stringify(wavedrom.renderAny(index, waveJson(d), wavedrom.waveSkin)) + '\n';
}

/** The host protocol of dysta_scheduler (and the AXI4-Lite shell), cycle by cycle. */
export function hostProtocolDiagrams(): WaveDiagram[] {
  return [
    {
      file: 'wave-command.svg',
      title: 'Command port: a table write held off while busy, then a read answered one cycle after acceptance',
      head: { text: 'command port (cmd_*, rsp_*)', tick: 0 },
      signal: [
        { name: 'clk', wave: 'p.........' },
        { name: 'busy', wave: '1.0.......' },
        { name: 'cmd_valid', wave: '01.010....' },
        { name: 'cmd_ready', wave: '0.1.......' },
        { name: 'cmd_op', wave: 'x=.x=x....', data: ['1 WRITE_VARIANT', '3 READ_TASK'] },
        { name: 'cmd_addr / cmd_data', wave: 'x=.x=x....', data: ['variant, word', 'slot, field'] },
        { name: 'rsp_valid', wave: '0....10...' },
        { name: 'rsp_data', wave: 'x....=x...', data: ['field'] },
      ],
      foot: { text: 'accepted at cycles 2 and 4 (valid && ready); rsp_valid exactly one cycle after a read is accepted' },
    },
    {
      file: 'wave-admission.svg',
      title: 'Admission port: the table is full, the host keeps offering the request until a slot frees',
      head: { text: 'admission port (adm_*)', tick: 0 },
      signal: [
        { name: 'clk', wave: 'p.........' },
        { name: 'table_full', wave: '1..0......' },
        { name: 'adm_valid', wave: '01..0.....' },
        { name: 'adm_ready', wave: '0..1......' },
        { name: 'adm_variant, deadline, arrival, scale', wave: 'x=..x.....', data: ['request'] },
        { name: 'adm_slot', wave: 'x..=x.....', data: ['lowest free slot'] },
      ],
      foot: { text: 'nothing is dropped: a refused request stays with the host (it may withdraw it)' },
    },
    {
      file: 'wave-events.svg',
      title: 'Event stream: a decision held until the host takes it, then a completion',
      head: { text: 'event stream (ev_*) and NPU start', tick: 0 },
      signal: [
        { name: 'clk', wave: 'p.........' },
        { name: 'ev_valid', wave: '01..010...' },
        { name: 'ev_ready', wave: '0..1010...' },
        { name: 'ev_kind', wave: 'x=..x=x...', data: ['1 decision', '2 completion'] },
        { name: 'ev_task, ev_layer, ev_time, ev_score', wave: 'x=..x=x...', data: ['slot, layer, t_sel, score', 'slot, layer, finish'] },
        { name: 'npu_start', wave: '010.......' },
        { name: 'npu_task, npu_layer', wave: 'x=........', data: ['slot, layer'] },
      ],
      foot: { text: 'an event is held until ev_ready; the block stalls while its event register is full' },
    },
    {
      file: 'wave-axi-lite.svg',
      title: 'AXI4-Lite (dysta_scheduler_axi): write data before its address, then a read',
      head: { text: 'AXI4-Lite slave (s_axi_*)', tick: 0 },
      signal: [
        { name: 'clk', wave: 'p.........' },
        { name: 'wvalid', wave: '010.......' },
        { name: 'wready', wave: '1.0..1....' },
        { name: 'awvalid', wave: '0..10.....' },
        { name: 'awready', wave: '1...01....' },
        { name: 'bvalid', wave: '0....10...' },
        { name: 'bready', wave: '1.........' },
        { name: 'arvalid', wave: '0.....10..' },
        { name: 'arready', wave: '1......0.1' },
        { name: 'rvalid', wave: '0......1.0' },
        { name: 'rready', wave: '0.......1.' },
        { name: 'rdata', wave: 'x......=.x', data: ['STATUS'] },
      ],
      foot: { text: 'AW and W are buffered independently; the write happens once both are held and no response waits' },
    },
  ];
}
