// A closed standard output never cancels the files a command writes (issue 8: `dysta predictors --out
// r | true` exited 0 without writing the report, the broken-pipe handler exiting during an await).
import { execa } from 'execa';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, tempDir } from '../helpers.ts';

describe('stdout closed by its reader', () => {
  it('dysta predictors --out r | true still writes the report and exits 0', async () => {
    const dir = tempDir();
    const r = await execa('bash', ['-c', `"${process.execPath}" "${join(PROJECT_ROOT, 'bin', 'dysta.js')}" predictors --workload attention --out r | true; echo "exit \${PIPESTATUS[0]}"`], {
      cwd: dir,
    });
    expect(r.stdout).toBe('exit 0');
    expect(r.stderr).toBe('');
    expect(readdirSync(join(dir, 'r')).sort()).toEqual(['.dysta-output', 'by-fraction.csv', 'error-vs-fraction.svg', 'rmse.csv', 'summary.md']);
  }, 120_000);
});
