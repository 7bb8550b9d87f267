// Loading a design folder: manifest schema, per-file SHA-256, files.f, choice of top.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DesignError, loadDesign } from '../../cosim/index.ts';
import { FIXTURE, fixtureCopy } from './fixture.ts';

function editManifest(dir: string, edit: (m: any) => void): void {
  const file = path.join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(file, 'utf8'));
  edit(m);
  writeFileSync(file, JSON.stringify(m, null, 2));
}

describe('loadDesign', () => {
  it('loads the fixture: files in files.f order, the only top chosen by default', async () => {
    const d = await loadDesign(FIXTURE);
    expect(d.top.name).toBe('cosim_counter');
    expect(d.files.map((f) => f.rel)).toEqual(['wide_accumulator.v', 'cosim_counter.v']);
    expect(d.files[1]!.abs).toBe(path.join(FIXTURE, 'cosim_counter.v'));
    expect(d.top.ports.find((p) => p.name === 'acc')).toEqual({ name: 'acc', dir: 'output', width: 100, signed: false, role: 'data' });
  });

  it('rejects a Verilog file whose bytes no longer match its hash, naming the file', async () => {
    const dir = fixtureCopy();
    appendFileSync(path.join(dir, 'wide_accumulator.v'), '// edited by hand\n');
    const err = await loadDesign(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DesignError);
    expect((err as DesignError).userError).toBe(true);
    expect((err as Error).message).toBe(
      `${path.join(dir, 'wide_accumulator.v')} does not match its SHA-256 in ${path.join(dir, 'manifest.json')} ` +
        '(edited or stale since generation); regenerate with `npm run gen-rtl`.',
    );
  });

  it('rejects a top that is not in tops', async () => {
    await expect(loadDesign(FIXTURE, 'wide_accumulator')).rejects.toThrow(
      /top "wide_accumulator" is not a top in .*manifest\.json \(tops: cosim_counter\)/,
    );
  });

  it('reports schema errors with the field path', async () => {
    const dir = fixtureCopy();
    editManifest(dir, (m) => {
      m.modules[1].ports[2].dir = 'sideways';
      delete m.tops;
    });
    const err = (await loadDesign(dir).catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(DesignError);
    expect(err.message).toBe(
      `manifest ${path.join(dir, 'manifest.json')} is malformed:\n` +
        '✖ Invalid input: expected array, received undefined\n  → at tops\n' +
        '✖ Invalid option: expected one of "input"|"output"\n  → at modules[1].ports[2].dir',
    );
  });

  it('rejects a files.f entry the manifest does not hash, and a missing file', async () => {
    const dir = fixtureCopy();
    appendFileSync(path.join(dir, 'files.f'), 'extra.v\n');
    await expect(loadDesign(dir)).rejects.toThrow(/lists "extra\.v", which .* does not hash; regenerate with `npm run gen-rtl`/);

    const dir2 = fixtureCopy();
    editManifest(dir2, (m) => m.files.push({ path: 'gone.v', sha256: '0'.repeat(64) }));
    await expect(loadDesign(dir2)).rejects.toThrow(/gone\.v cannot be read \(ENOENT\)/);
  });

  it('requires exactly one clock port on the top', async () => {
    const dir = fixtureCopy();
    editManifest(dir, (m) => {
      m.modules[1].ports[0].role = 'data';
    });
    await expect(loadDesign(dir)).rejects.toThrow(/exactly one port with role "clock".*found 0/);
  });

  it('names a missing design folder', async () => {
    await expect(loadDesign('/nonexistent/rtl-out')).rejects.toThrow(/manifest \/nonexistent\/rtl-out\/manifest\.json cannot be read \(ENOENT\)/);
  });
});
