// A plain command line, `dysta <command> --option value ...`, read without yargs: yargs (loading it,
// declaring the commands, parsing, validating) is some 30 ms of a `dysta simulate` that takes 0.3 s
// in all (README, "Build and start-up time"), and scripts call that command many times. The options
// are the ones the command's own builder declares, recorded by a stand-in for yargs, so there is one
// declaration of each. Anything this reading is not certain to read exactly as yargs does (an option
// the builder does not declare, one given twice, `--x=y`, a value starting with - or a quote, a number
// that is not plain decimal, a value outside `choices`, conflicting options, a builder that asks yargs
// for more than options and conflicts, --help, ...) gives undefined, and the caller hands the command
// line to yargs, which accepts it, or refuses it with its own message. test/cli/plain-command-line.test.ts
// compares the arguments with the ones yargs gives.
import type { Arguments, Argv, CommandModule } from 'yargs';

/** An option as the builder declared it (what this reading understands of one). */
export interface DeclaredOption {
  readonly type: 'string' | 'number';
  readonly default?: unknown;
  readonly choices?: readonly string[];
}

export interface Declarations {
  readonly options: ReadonlyMap<string, DeclaredOption>;
  /** Pairs yargs refuses together (`.conflicts`). */
  readonly conflicts: readonly (readonly [string, string])[];
}

/** Option settings that only describe the option (its --help). */
const DESCRIPTIVE = new Set(['describe', 'description', 'desc', 'group']);
/** Builder calls that change nothing about how the options are parsed. */
const HELP_ONLY = new Set(['example', 'epilog', 'epilogue', 'usage']);

/**
 * What a command's builder (a function of yargs, or an object of options) declares, recorded by a
 * stand-in for yargs; undefined when the builder asks for anything beyond typed options (string or
 * number, with a default and choices) and conflicts.
 */
export function recordDeclarations(builder: CommandModule['builder']): Declarations | undefined {
  const options = new Map<string, DeclaredOption>();
  const conflicts: [string, string][] = [];
  let understood = true;
  const declare = (name: unknown, spec: unknown) => {
    if (typeof name !== 'string' || typeof spec !== 'object' || spec === null || options.has(name)) return (understood = false);
    const { type, default: fallback, choices, ...rest } = spec as Record<string, unknown>;
    if (type !== 'string' && type !== 'number') return (understood = false);
    if (Object.keys(rest).some((k) => !DESCRIPTIVE.has(k))) return (understood = false);
    if (choices !== undefined && !(Array.isArray(choices) && type === 'string' && choices.every((c) => typeof c === 'string'))) return (understood = false);
    options.set(name, { type, default: fallback, choices });
    return true;
  };
  const recorder: Argv = new Proxy({} as Argv, {
    get(_target, method) {
      if (method === 'option' || method === 'options') {
        return (name: unknown, spec?: unknown) => {
          if (typeof name === 'object' && name !== null && spec === undefined) for (const [n, s] of Object.entries(name)) declare(n, s);
          else declare(name, spec);
          return recorder;
        };
      }
      if (method === 'conflicts') {
        return (a: unknown, b: unknown) => {
          const others = Array.isArray(b) ? b : [b];
          if (typeof a !== 'string' || !others.every((o) => typeof o === 'string')) understood = false;
          else for (const o of others as string[]) conflicts.push([a, o]);
          return recorder;
        };
      }
      if (typeof method === 'string' && HELP_ONLY.has(method)) return () => recorder;
      understood = false;
      return () => recorder;
    },
  });
  if (typeof builder === 'function') {
    const result: unknown = builder(recorder);
    if (result !== recorder) return undefined; // (a promise, or another object)
  } else if (builder) recorder.options(builder);
  return understood ? { options, conflicts } : undefined;
}

/** A value yargs takes as it is: not empty, not an option (-), not quoted (yargs strips the quotes). */
const PLAIN_VALUE = /^[^-'"]/;
/** A number whose Number() yargs gives too: plain decimal, no sign, exponent, hex or leading zero. */
const PLAIN_NUMBER = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

/** yargs-parser's camel-case copy of a hyphenated option name: seq-len -> seqLen. */
const camelCase = (name: string) => name.replace(/-+([^-])/g, (_, c: string) => c.toUpperCase());

/**
 * The arguments yargs would hand the command's handler for `args` (without the command name), or
 * undefined when the command line is not plain (see above) and must go to yargs.
 */
export function readPlainOptions(command: string, scriptName: string, args: readonly string[], declared: Declarations): Arguments | undefined {
  if (args.length % 2 !== 0) return undefined;
  const given = new Map<string, string | number>();
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i]!;
    const value = args[i + 1]!;
    if (!flag.startsWith('--')) return undefined;
    const name = flag.slice(2);
    const option = declared.options.get(name);
    if (!option || given.has(name) || !PLAIN_VALUE.test(value)) return undefined;
    if (option.type === 'number') {
      if (!PLAIN_NUMBER.test(value)) return undefined;
      given.set(name, Number(value));
    } else {
      if (option.choices && !option.choices.includes(value)) return undefined;
      given.set(name, value);
    }
  }
  // yargs counts a default as given, so a conflict involving one is for yargs to report.
  const present = (name: string) => given.has(name) || declared.options.get(name)?.default !== undefined;
  if (declared.conflicts.some(([a, b]) => present(a) && present(b))) return undefined;
  const argv: Arguments = { _: [command], $0: scriptName };
  for (const [name, option] of declared.options) {
    const value = given.has(name) ? given.get(name) : option.default;
    if (value === undefined) continue;
    argv[name] = value;
    if (name.includes('-')) argv[camelCase(name)] = value;
  }
  return argv;
}
