// `node --import ./module-trace.mjs ...`: appends the URL of every module the process loads to the
// file named by DYSTA_MODULE_TRACE (one per line): ES modules through a loader hook, CommonJS modules
// (require, createRequire: how zod and csv-parse load on demand) through the CommonJS loader, which the
// hooks of Node 20 do not see, scripts compiled with vm.Script (how cli/yargs-loader.ts loads the
// yargs bundle), and, at exit, every built-in module the process loaded as node:<name>, however it was
// loaded (process.getBuiltinModule included, which no hook sees). test/cli/lazy-loading.test.ts uses
// it to check which modules a command loads.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.DYSTA_MODULE_TRACE, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);

const loadCommonJs = Module.prototype.load;
Module.prototype.load = function (filename) {
  appendFileSync(process.env.DYSTA_MODULE_TRACE, `${pathToFileURL(filename).href}\n`);
  return loadCommonJs.call(this, filename);
};

const VmScript = vm.Script;
vm.Script = class extends VmScript {
  constructor(code, options) {
    if (options?.filename) appendFileSync(process.env.DYSTA_MODULE_TRACE, `${pathToFileURL(options.filename).href}\n`);
    super(code, options);
  }
};

process.on('exit', () => {
  const builtins = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => `node:${m.slice('NativeModule '.length)}`);
  appendFileSync(process.env.DYSTA_MODULE_TRACE, `${builtins.join('\n')}\n`);
});
