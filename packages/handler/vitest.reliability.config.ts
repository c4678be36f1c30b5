import { mergeConfig } from 'vitest/config';
import { sharedProject } from '../../vitest.shared.js';

// The reliability suites hold the handler to its time budgets under load (50 invocations at a
// time against a loopback KMS served by the test's own event loop): they run after every other
// file, one at a time, so that no other test file competes with them for the two cores.
const config = mergeConfig(sharedProject('handler-reliability'), { test: { maxWorkers: 1, sequence: { groupOrder: 1 } } });
// Set, not merged: mergeConfig concatenates arrays, which would add every handler test again.
config.test.include = ['test/reliability/**/*.test.ts'];
export default config;
