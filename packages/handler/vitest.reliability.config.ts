import { sharedProject } from '../../vitest.shared.js';

// The reliability suites hold the handler to its time budgets under load (50 invocations at a
// time against a loopback KMS served by the test's own event loop): they run after every other
// file, one at a time, so that no other test file competes with them for the two cores.
// Each file gets its own module graph (isolate): the suites' recording adapter keeps what it sent
// on globalThis (test/reliability/support.ts), which one file would otherwise read after another
// had filled it; eight heavy files pay little for the fresh imports.
// (Spread, not mergeConfig: mergeConfig concatenates arrays, and `include` must replace the
// shared `test/**` pattern or this project would run every handler test a second time.)
const shared = sharedProject('handler-reliability');
export default {
  ...shared,
  test: { ...shared.test, include: ['test/reliability/**/*.test.ts'], isolate: true, maxWorkers: 1, sequence: { groupOrder: 1 } },
};
