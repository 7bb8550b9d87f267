// `node --import ./module-trace.mjs ...`: appends the URL of every module the process loads to the
// file named by DYSTA_MODULE_TRACE (one per line). test/cli/lazy-loading.test.ts uses it to check which
// modules a command loads.
import { register } from 'node:module';

const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, next) {
  appendFileSync(process.env.DYSTA_MODULE_TRACE, url + '\\n');
  return next(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
