// The seeded scheduler scenarios are part of the product (`dysta cosim --suite scheduler`); the
// suites here use them from there.
export * from '../../verify/scheduler-scenarios.ts';
