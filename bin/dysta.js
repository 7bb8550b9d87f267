#!/usr/bin/env node
// Entry point of the `dysta` command: runs the compiled CLI in dist/, after checking (cheaply, see
// stale-check.js) that dist/ matches the TypeScript sources and compiling what changed (build.js,
// loaded only then) if it does not.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`dysta: Node.js 20.19 or newer is required (this is ${process.versions.node}); install a current Node.js 20 LTS.\n`);
  process.exit(1);
}

const { needsBuild } = await import('./stale-check.js');
if (needsBuild()) {
  const { ensureBuilt, BuildError } = await import('./build.js');
  try {
    await ensureBuilt();
  } catch (err) {
    if (!(err instanceof BuildError)) throw err;
    process.stderr.write(`dysta: ${err.message}\n`);
    process.exit(2);
  }
}
// Source maps turn a stack trace's dist/ lines into TypeScript lines; reading them costs start-up
// time, so only when a stack trace is asked for.
if (process.env.DYSTA_DEBUG) process.setSourceMapsEnabled(true);
await import('../dist/cli/main.js');
