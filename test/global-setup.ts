// Runs once before the suite: brings dist/ up to date, so the CLI tests (which run the built bin)
// test the current sources and parallel test files never compile dist/ at the same time.
// @ts-expect-error bin/build.js is plain JavaScript without type declarations
import { build } from '../bin/build.js';

export default async function setup(): Promise<void> {
  await build();
}
