// The one configuration object that drives the generated Verilog and the constants the software
// uses (golden models, cosim), so the two can never disagree silently.
import { readFileSync } from 'node:fs';
import { ConfigError, defaultsOf, paramsMarkdown, parseSection, type ParamTable } from './params.ts';

export { ConfigError, checkParam, paramsMarkdown, type IntParam, type ParamTable } from './params.ts';

export const PE_ARRAY_PARAMS: ParamTable = [
  { key: 'lanes', default: 16, min: 1, max: 64, doc: 'PEs = output channels computed in parallel' },
  { key: 'actWidth', default: 8, min: 2, max: 16, doc: 'activation (and requantised output) width in bits, signed' },
  { key: 'weightWidth', default: 8, min: 2, max: 16, doc: 'weight width in bits, signed' },
  { key: 'accWidth', default: 32, min: 4, max: 64, doc: 'accumulator width in bits; must hold actWidth + weightWidth + log2(weightDepth)' },
  { key: 'weightDepth', default: 1024, min: 2, max: 65536, powerOfTwo: true, doc: 'weight buffer depth = largest reduction length K (im2col columns)' },
  { key: 'maxRows', default: 65535, min: 1, max: 16777215, doc: 'largest number of output rows (im2col rows) in one layer tile' },
];

export interface PeArrayConfig {
  lanes: number;
  actWidth: number;
  weightWidth: number;
  accWidth: number;
  weightDepth: number;
  maxRows: number;
}

export interface HwConfig {
  peArray: PeArrayConfig;
}

/** Every section of the config file, with its parameter table. */
export const CONFIG_SECTIONS: Record<keyof HwConfig, ParamTable> = {
  peArray: PE_ARRAY_PARAMS,
};

export function defaultConfig(): HwConfig {
  return { peArray: defaultsOf<PeArrayConfig & Record<string, number>>(PE_ARRAY_PARAMS) };
}

/** Cross-parameter rules that a per-key range cannot express. */
function checkPeArray(c: PeArrayConfig, path: string): void {
  const need = c.actWidth + c.weightWidth + Math.log2(c.weightDepth);
  if (c.accWidth < need) {
    throw new ConfigError(
      `${path}.accWidth = ${c.accWidth} cannot hold a full dot product: with actWidth ${c.actWidth}, weightWidth ${c.weightWidth} and weightDepth ${c.weightDepth} it must be from ${need} to 64`,
    );
  }
}

/** Validates a config object (from JSON); `source` names where it came from in error messages. */
export function parseConfig(raw: unknown, source = 'config'): HwConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source}: the configuration must be a JSON object with sections ${Object.keys(CONFIG_SECTIONS).join(', ')}`);
  }
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_SECTIONS)) {
      throw new ConfigError(`${source}: unknown section "${key}"; allowed sections: ${Object.keys(CONFIG_SECTIONS).join(', ')}`);
    }
  }
  const r = raw as Record<string, unknown>;
  try {
    const peArray = parseSection<PeArrayConfig & Record<string, number>>(PE_ARRAY_PARAMS, r.peArray, 'peArray');
    checkPeArray(peArray, 'peArray');
    return { peArray };
  } catch (err) {
    if (err instanceof ConfigError) throw new ConfigError(`${source}: ${err.message}`);
    throw err;
  }
}

export function loadConfigFile(path: string): HwConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read config file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw, path);
}

export function configMarkdown(): string {
  return Object.entries(CONFIG_SECTIONS)
    .map(([name, table]) => `${paramsMarkdown(name, table)}`)
    .join('\n\n');
}
