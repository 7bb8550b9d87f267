#!/usr/bin/env node
// Entry point of the `dysta` command: registers tsx so the TypeScript sources run as they are
// (no build step, no stale output), then hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
