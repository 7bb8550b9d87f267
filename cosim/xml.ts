// Asks Verilator itself what the top's ports are (`verilator --xml-only`, ~0.1 s for a small design)
// and cross-checks them against the manifest, so a stale or hand-edited manifest cannot produce a
// harness that binds the wrong ports. The XML port list is what the C++ bindings are generated from.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { XMLParser } from 'fast-xml-parser';
import type { Design } from './design.ts';
import { BuildError, DesignError } from './errors.ts';

export interface XmlPort {
  name: string;
  dir: 'input' | 'output' | 'inout';
  width: number;
  signed: boolean;
}

export interface XmlInstance {
  name: string;
  /** Original (unspecialised) module name. */
  module: string;
}

export interface XmlTop {
  name: string;
  ports: XmlPort[];
  /** Direct child instances of the top. */
  instances: XmlInstance[];
}

type XmlNode = Record<string, unknown>;

let parser: XMLParser | undefined;
/** The parser, loaded on first use: a warm run reads the elaboration from the cache and parses no XML. */
async function xmlParser(): Promise<XMLParser> {
  const { XMLParser } = await import('fast-xml-parser');
  // Every element becomes an array, attributes stay scalar: one shape to walk, whatever the design.
  return (parser ??= new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    isArray: (_name, _jpath, _leaf, isAttribute) => !isAttribute,
    // The XML holds the whole elaborated AST: a flattened netlist nests expressions far deeper than
    // the parser's default limit of 100.
    maxNestedTags: 100_000,
  }));
}

function children(node: XmlNode | undefined, tag: string): XmlNode[] {
  const v = node?.[tag];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

function attr(node: XmlNode, name: string): string | undefined {
  const v = node[`@${name}`];
  return v === undefined ? undefined : String(v);
}

/** Value of a Verilator constant name such as `32'sh3` or `4'hf`. */
function constValue(text: string): number {
  const m = /'s?([hdbo])([0-9a-fA-F_xz]+)$/.exec(text);
  if (!m) return Number(text);
  const radix = { h: 16, d: 10, b: 2, o: 8 }[m[1] as 'h' | 'd' | 'b' | 'o'];
  return parseInt(m[2]!.replace(/_/g, ''), radix);
}

/** Width in bits of a typetable entry; packed types only (a port cannot be an unpacked array here). */
function dtypeWidth(types: Map<string, { kind: string; node: XmlNode }>, id: string, port: string): number {
  const t = types.get(id);
  if (!t) throw new DesignError(`Verilator XML: port "${port}" refers to unknown dtype ${id}.`);
  const { kind, node } = t;
  const sub = () => dtypeWidth(types, attr(node, 'sub_dtype_id') ?? '', port);
  switch (kind) {
    case 'basicdtype': {
      const l = attr(node, 'left');
      const r = attr(node, 'right');
      return l === undefined || r === undefined ? 1 : Math.abs(Number(l) - Number(r)) + 1;
    }
    case 'refdtype':
    case 'enumdtype':
    case 'memberdtype':
      return sub();
    case 'packarraydtype': {
      const range = children(node, 'range')[0];
      const bounds = children(range, 'const').map((c) => constValue(attr(c, 'name') ?? ''));
      if (bounds.length !== 2) throw new DesignError(`Verilator XML: cannot read the range of port "${port}".`);
      return (Math.abs(bounds[0]! - bounds[1]!) + 1) * sub();
    }
    case 'structdtype':
    case 'uniondtype': {
      const widths = children(node, 'memberdtype').map((m) => dtypeWidth(types, attr(m, 'id') ?? '', port));
      return kind === 'structdtype' ? widths.reduce((a, b) => a + b, 0) : Math.max(...widths);
    }
    default:
      throw new DesignError(`port "${port}" has a type the cosim harness cannot bind (${kind}); use packed vectors.`);
  }
}

function dtypeSigned(types: Map<string, { kind: string; node: XmlNode }>, id: string): boolean {
  const t = types.get(id);
  if (!t) return false;
  if (attr(t.node, 'signed') === 'true') return true;
  if (t.kind === 'refdtype' || t.kind === 'enumdtype') return dtypeSigned(types, attr(t.node, 'sub_dtype_id') ?? '');
  return false;
}

/** Extracts the top module's ports and direct instances from Verilator's XML text. */
export async function parseVerilatorXml(xml: string, top: string): Promise<XmlTop> {
  const doc = (await xmlParser()).parse(xml) as XmlNode;
  const root = children(doc, 'verilator_xml')[0];
  const netlist = children(root, 'netlist')[0];
  const modules = children(netlist, 'module');
  const topNode = modules.find((m) => attr(m, 'topModule') === '1') ?? modules.find((m) => attr(m, 'name') === top);
  if (!topNode) throw new DesignError(`Verilator XML has no top module "${top}".`);

  const types = new Map<string, { kind: string; node: XmlNode }>();
  const collect = (node: XmlNode) => {
    for (const [tag, value] of Object.entries(node)) {
      if (tag.startsWith('@') || !Array.isArray(value)) continue;
      for (const child of value as XmlNode[]) {
        if (typeof child !== 'object' || child === null) continue;
        const id = attr(child, 'id');
        if (id !== undefined && tag.endsWith('dtype')) types.set(id, { kind: tag, node: child });
        collect(child);
      }
    }
  };
  for (const tt of children(netlist, 'typetable')) collect(tt);

  const ports: XmlPort[] = [];
  for (const v of children(topNode, 'var')) {
    const dir = attr(v, 'dir');
    if (dir === undefined) continue;
    const name = attr(v, 'name') ?? '';
    const id = attr(v, 'dtype_id') ?? '';
    if (dir !== 'input' && dir !== 'output' && dir !== 'inout') {
      throw new DesignError(`port "${name}" of "${top}" has direction "${dir}", which the cosim harness cannot bind.`);
    }
    ports.push({ name, dir, width: dtypeWidth(types, id, name), signed: dtypeSigned(types, id) });
  }

  const origName = new Map(modules.map((m) => [attr(m, 'name') ?? '', attr(m, 'origName') ?? attr(m, 'name') ?? '']));
  const topCell = children(children(root, 'cells')[0], 'cell')[0];
  const instances = children(topCell, 'cell').map((c) => {
    const sub = attr(c, 'submodname') ?? '';
    return { name: attr(c, 'name') ?? '', module: origName.get(sub) ?? sub };
  });
  return { name: attr(topNode, 'origName') ?? attr(topNode, 'name') ?? top, ports, instances };
}

/**
 * Runs `verilator --xml-only` on the design's files with `top` and returns its ports. `extraArgs`
 * are passed through (the same -D/-G/-W flags as the build, so both see the same design).
 */
export async function readVerilatorXml(design: Design, extraArgs: readonly string[] = []): Promise<XmlTop> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'dysta-xml-'));
  try {
    const out = path.join(tmp, 'design.xml');
    const args = [
      '--xml-only',
      '--top-module',
      design.top.name,
      '-Mdir',
      tmp,
      '--xml-output',
      out,
      ...extraArgs,
      ...design.files.map((f) => f.abs),
    ];
    const { execa } = await import('execa');
    const r = await execa('verilator', args, { reject: false, all: true, timeout: 120_000 });
    if (r.exitCode !== 0) {
      const text = (r.all ?? '').split('\n').slice(0, 30).join('\n');
      throw new BuildError(`verilator --xml-only failed on ${design.dir} (top ${design.top.name}):\n${text}`);
    }
    return await parseVerilatorXml(await readFile(out, 'utf8'), design.top.name);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * Throws DesignError listing every disagreement between the manifest's top (ports: name, direction,
 * width, signedness; direct instances) and what Verilator elaborated.
 */
export function crossCheck(design: Design, xml: XmlTop): void {
  const problems: string[] = [];
  const fromXml = new Map(xml.ports.map((p) => [p.name, p]));
  const fromManifest = new Map(design.top.ports.map((p) => [p.name, p]));
  for (const m of design.top.ports) {
    const x = fromXml.get(m.name);
    if (!x) {
      problems.push(`port "${m.name}" is in the manifest but not in the Verilog`);
      continue;
    }
    if (x.dir !== m.dir) problems.push(`port "${m.name}": manifest says ${m.dir}, Verilog says ${x.dir}`);
    if (x.width !== m.width) problems.push(`port "${m.name}": manifest says ${m.width} bits, Verilog says ${x.width}`);
    if (x.signed !== m.signed) {
      problems.push(`port "${m.name}": manifest says ${m.signed ? 'signed' : 'unsigned'}, Verilog says ${x.signed ? 'signed' : 'unsigned'}`);
    }
  }
  for (const x of xml.ports) {
    if (!fromManifest.has(x.name)) problems.push(`port "${x.name}" is in the Verilog but not in the manifest`);
  }
  const xmlInst = new Map(xml.instances.map((i) => [i.name, i.module]));
  for (const inst of design.top.instances) {
    const mod = xmlInst.get(inst.name);
    if (mod === undefined) problems.push(`instance "${inst.name}" is in the manifest but not in the Verilog`);
    else if (mod !== inst.module) problems.push(`instance "${inst.name}": manifest says module ${inst.module}, Verilog says ${mod}`);
  }
  if (problems.length > 0) {
    throw new DesignError(
      `manifest of ${design.dir} disagrees with the Verilog of top "${design.top.name}":\n  - ${problems.join('\n  - ')}\n` +
        'Regenerate with `npm run gen-rtl`; if the manifest was written by hand, fix it.',
    );
  }
}
