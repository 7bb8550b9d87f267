// A design: the top modules, everything they instantiate, the Verilog text of each module, the file
// list and the manifest that cosim and the FPGA flow read instead of parsing Verilog.
import { createHash } from 'node:crypto';
import { HdlError } from './expr.ts';
import { emitVerilog, type EmitContext } from './emit.ts';
import { instancesOf, type ModuleDef } from './module.ts';

export interface ManifestPort {
  name: string;
  dir: 'input' | 'output';
  width: number;
  signed: boolean;
  role: 'clock' | 'reset' | 'data';
  doc?: string;
}

export interface ManifestModule {
  name: string;
  file: string;
  sha256: string;
  doc: string;
  parameters: Record<string, number | string | boolean>;
  ports: ManifestPort[];
  instances: { name: string; module: string }[];
}

export interface Manifest {
  generator: string;
  generatorVersion: string;
  config: unknown;
  tops: string[];
  files: { path: string; sha256: string }[];
  modules: ManifestModule[];
}

export interface RenderedDesign {
  /** File name -> contents, in dependency order (leaves first). Includes files.f and manifest.json. */
  files: Map<string, string>;
  manifest: Manifest;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Every module reachable from `tops`, leaves first; a name used for two different modules is an error. */
export function collectModules(tops: ModuleDef[]): ModuleDef[] {
  const order: ModuleDef[] = [];
  const byName = new Map<string, ModuleDef>();
  const visit = (m: ModuleDef): void => {
    const seen = byName.get(m.name);
    if (seen) {
      if (seen !== m) throw new HdlError(`two different modules are both named ${m.name}; give one a distinct name`);
      return;
    }
    byName.set(m.name, m);
    for (const inst of instancesOf(m)) visit(inst.module);
    order.push(m);
  };
  for (const t of tops) visit(t);
  return order;
}

export function renderDesign(tops: ModuleDef[], config: unknown, ctx: EmitContext, extraFiles: Map<string, string> = new Map()): RenderedDesign {
  const modules = collectModules(tops);
  const files = new Map<string, string>();
  const manifestModules: ManifestModule[] = [];
  for (const m of modules) {
    const file = `${m.name}.v`;
    const text = emitVerilog(m, ctx);
    files.set(file, text);
    manifestModules.push({
      name: m.name,
      file,
      sha256: sha256(text),
      doc: m.doc,
      parameters: { ...m.params },
      ports: m.ports.map((p) => ({
        name: p.name,
        dir: p.kind === 'input' ? 'input' : 'output',
        width: p.width,
        signed: p.signed,
        role: p.role,
        ...(p.doc ? { doc: p.doc } : {}),
      })),
      instances: instancesOf(m).map((i) => ({ name: i.name, module: i.module.name })),
    });
  }
  for (const [k, v] of extraFiles) files.set(k, v);
  const verilogFiles = modules.map((m) => `${m.name}.v`);
  files.set('files.f', verilogFiles.join('\n') + '\n');
  const manifest: Manifest = {
    generator: ctx.generator,
    generatorVersion: ctx.version,
    config,
    tops: tops.map((t) => t.name),
    files: [...files.entries()].map(([path, text]) => ({ path, sha256: sha256(text) })),
    modules: manifestModules,
  };
  files.set('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  return { files, manifest };
}
