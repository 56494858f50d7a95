// The marker line of a rewritten expectation file: expectations.ts prints it, the summary reporter
// (which runs outside the tests and must not load vitest's expect) collects it.
export const UPDATED_MARK = 'allocscope-expectation-updated:'
