// Shared by the regression's tests: a deliberately broken copy of a generated design (one file
// mutated, the manifest's hashes updated so the driver accepts it), and JUnit parsing.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { sha256Hex } from '../../cosim/design.ts';
import { generateDesign, parseConfig, writeDesign, type HwConfig } from '../../hwgen/index.ts';
import { runRegression } from '../../verify/regression.ts';
import type { Instrument, PlannedSuite } from '../../verify/types.ts';

/**
 * The default design with the first match of `pattern` in its Verilog replaced: a mutated copy of
 * one generated file in a new folder inside `parent` (a test's temporary folder). Throws if no file
 * matches (update the pattern).
 */
export function mutatedDesign(pattern: RegExp, replacement: string, parent: string): { dir: string; file: string } {
  const root = mkdtempSync(join(parent, 'mutant-'));
  const dir = join(root, 'rtl');
  writeDesign(generateDesign(parseConfig({})), dir);
  const file = readdirSync(dir).find((f) => f.endsWith('.v') && pattern.test(readFileSync(join(dir, f), 'utf8')));
  if (!file) throw new Error(`no generated file matches ${pattern}; update the mutation in this test`);
  rewriteDesignFile(dir, file, (t) => t.replace(pattern, replacement));
  return { dir, file };
}

/** Rewrites one generated file of the design in `dir` and updates the manifest's hashes, so the driver accepts it. */
export function rewriteDesignFile(dir: string, file: string, edit: (text: string) => string): void {
  const before = readFileSync(join(dir, file), 'utf8');
  const text = edit(before);
  if (text === before) throw new Error(`the edit changed nothing in ${file}; update the mutation in this test`);
  writeFileSync(join(dir, file), text);
  const manifestPath = join(dir, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { files: { path: string; sha256: string }[]; modules: { file: string; sha256: string }[] };
  const hash = sha256Hex(text);
  for (const f of manifest.files) if (f.path === file) f.sha256 = hash;
  for (const m of manifest.modules) if (m.file === file) m.sha256 = hash;
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
}

/** Generates the design of `raw` (a config object) into `parent/name`. */
export function designFor(raw: unknown, parent: string, name: string): { config: HwConfig; dir: string } {
  const config = parseConfig(raw);
  const dir = join(parent, name);
  writeDesign(generateDesign(config), dir);
  return { config, dir };
}

/** Runs planned suites (optionally some cases, instrumented); returns every case and the ones that failed. */
export async function runSuites(dir: string, config: HwConfig, suites: PlannedSuite[], o: { only?: string[]; instrument?: Instrument } = {}) {
  const r = await runRegression({ rtlDir: dir, config, suites, ...(o.only ? { only: o.only } : {}), ...(o.instrument ? { instrument: o.instrument } : {}) });
  const failed = r.cases.filter((c) => c.status === 'fail' || c.status === 'error');
  return { cases: r.cases, failed, failedNames: failed.map((c) => c.name) };
}

export interface JunitCase {
  classname: string;
  name: string;
  failure?: { message: string; '#text'?: string };
  error?: { message: string };
  skipped?: { message: string };
}

/** Parses a JUnit file (it must be well-formed XML); returns the root's counts and every testcase. */
export function readJunit(path: string): { tests: number; failures: number; errors: number; cases: JunitCase[] } {
  const text = readFileSync(path, 'utf8');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new Error(`${path} is not well-formed XML: ${JSON.stringify(valid)}`);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(text);
  const root = doc.testsuites;
  const cases = (root.testsuite as { testcase: JunitCase[] }[]).flatMap((s) => s.testcase);
  return { tests: Number(root.tests), failures: Number(root.failures), errors: Number(root.errors), cases };
}
