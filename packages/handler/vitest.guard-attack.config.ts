import { sharedProject } from '../../vitest.shared.js';

// The SMS-pumping suite, alone: after every other file, before the other reliability suites.
// Its 50 concurrent invocations, the loopback KMS and the dynalite process it stores through take
// both cores; its guard and KMS time limits failed when another reliability file ran beside it.
export default sharedProject('handler-reliability-guard', {
  include: ['test/reliability/guard-attack.test.ts'],
  isolate: true,
  maxWorkers: 1,
  sequence: { groupOrder: 1 },
});
