// Shared plot encodings (kept apart from report.ts, which loads vega and is imported lazily).

/**
 * Colour by policy from a 20-colour scheme: the default 10-colour one repeats colours beyond ten
 * policies (13 with mhg), which made e.g. sjf and mhg indistinguishable.
 */
export const policyColor = { field: 'policy', type: 'nominal', sort: null, title: 'policy', scale: { scheme: 'tableau20' } } as const;
