// `dysta gen-rtl`: generate the Verilog, manifest and file list into an output folder, atomically.
// hwgen loads when the command runs, not for its --help.
import type { CommandModule } from 'yargs';

interface Args {
  out: string;
  config?: string;
  'list-params': boolean;
}

export const genRtlCommand: CommandModule<object, Args> = {
  builder: (y) =>
    y
      .option('out', { alias: 'o', type: 'string', default: 'rtl-out', describe: 'output folder: created, or replaced atomically if dysta wrote it' })
      .option('config', { alias: 'c', type: 'string', describe: 'JSON config file (unknown keys are rejected); defaults apply otherwise' })
      .option('list-params', { type: 'boolean', default: false, describe: 'print every config key with its default and range, then exit' })
      .example('$0 gen-rtl', 'default configuration into rtl-out/')
      .example('$0 gen-rtl --config my.json --out build/rtl', '{"peArray": {"lanes": 8}}')
      .epilog(
        'Folders: writes --out (default rtl-out/): creates it, or replaces it as a whole only if dysta wrote it (it holds a .dysta-output marker); ' +
          'files you added to it (a testbench) are kept; a folder you made, the working folder and its parents are never replaced. ' +
          '`dysta demo`, `cosim` and `system` then use this design when their configuration matches.',
      ) as never,
  handler: async (args) => {
    const { configMarkdown, defaultConfig, generateDesign, loadConfigFile, writeDesign } = await import('../hwgen/index.ts');
    if (args['list-params']) {
      process.stdout.write(configMarkdown() + '\n');
      return;
    }
    const config = args.config ? loadConfigFile(args.config) : defaultConfig();
    const design = generateDesign(config);
    writeDesign(design, args.out);
    const modules = design.manifest.modules.map((m) => m.name).join(', ');
    process.stdout.write(`wrote ${design.files.size} files to ${args.out}/ (modules: ${modules}; tops: ${design.manifest.tops.join(', ')})\n`);
  },
};
