#!/usr/bin/env node
// Entry point of the `dysta` command: registers tsx so the TypeScript sources run as they are
// (no build step, no stale output), then hands over to the CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  process.stderr.write(`dysta: Node.js 20.19 or newer is required (this is ${process.versions.node}); install a current Node.js 20 LTS.\n`);
  process.exit(1);
}

const { register } = await import('tsx/esm/api');
register();
await import('../cli/main.ts');
