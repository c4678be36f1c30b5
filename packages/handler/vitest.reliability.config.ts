import { sharedProject } from '../../vitest.shared.js';

// The reliability suites hold the handler to its time budgets under load (50 invocations at a
// time against a loopback KMS served by the test's own event loop): they run after every other
// file, so that no other test file competes with them for the two cores. Each of these runs on
// one event loop, so two of them (one a core) keep their budgets with the same margins as one
// alone (longest invocations measured the same); guard-attack also drives a dynalite process and
// so runs alone, before them (vitest.guard-attack.config.ts).
// Each file gets its own module graph (isolate): the suites' recording adapter keeps what it sent
// on globalThis (test/reliability/support.ts), which one file would otherwise read after another
// had filled it; heavy files pay little for the fresh imports.
export default sharedProject('handler-reliability', {
  include: ['test/reliability/**/*.test.ts'],
  exclude: ['test/reliability/guard-attack.test.ts', '**/node_modules/**'],
  isolate: true,
  maxWorkers: 2,
  sequence: { groupOrder: 2 },
});
