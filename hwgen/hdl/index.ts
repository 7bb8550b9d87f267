// The typed HDL layer: describe modules in TypeScript, emit readable Verilog-2005 and a manifest.
export { Expr, HdlError, bitsFor, cat, clog2, describe, lit, litHex, mux, slit } from './expr.ts';
export { Block, Const, GenIndex, GenerateBody, Memory, ModuleBuilder, Signal, instancesOf } from './module.ts';
export type { GenerateLoop, ModuleDef, PortRole, Stmt } from './module.ts';
export { emitVerilog, type EmitContext } from './emit.ts';
export { collectModules, renderDesign, sha256 } from './design.ts';
export type { Manifest, ManifestModule, ManifestPort, RenderedDesign } from './design.ts';
