// Exit codes are one rule for every command (README): 0 success, 1 a verification or check failed,
// 2 a usage or input error. Each part's error class carries its code; the CLI exits with it.
import { describe, expect, it } from 'vitest';
import { CheckFailed, EXIT, UserError } from '../../cli/errors.ts';
import { CheckError } from '../../cosim/lint.ts';
import { BuildError, CosimError, DesignError, SimulatorError, ToolError } from '../../cosim/index.ts';
import { ConfigError } from '../../hwgen/index.ts';
import { InputError } from '../../input/index.ts';
import { OutputError } from '../../output/index.ts';
import { SchedulerInputError } from '../../sw-scheduler/errors.ts';
import { runCli } from '../helpers.ts';

describe('exit codes', () => {
  it('usage and input errors are 2, failed checks 1, whichever part raises them', () => {
    const usage = [new UserError('x'), new ConfigError('x'), new SchedulerInputError('x'), new OutputError('x'), new InputError('x'), new ToolError('x'), new CosimError('x'), new DesignError('x'), new BuildError('x')];
    for (const e of usage) expect([e.name, e.exitCode]).toEqual([e.name, EXIT.usage]);
    const failed = [new CheckFailed('x'), new CheckError('x'), new SimulatorError('x', 'crash', undefined, 'log')];
    for (const e of failed) expect([e.name, e.exitCode]).toEqual([e.name, EXIT.checkFailed]);
    for (const e of [...usage, ...failed]) expect(e.userError).toBe(true);
  });

  it('an unknown option exits 2, and --help states the rule', async () => {
    const [unknown, help] = await Promise.all([runCli(['simulate', '--no-such-option']), runCli(['--help'])]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/^dysta: Unknown argument/);
    expect(help.stdout).toContain('Exit codes: 0 success, 1 a verification or check failed, 2 a usage or input error.');
  }, 60_000);
});
