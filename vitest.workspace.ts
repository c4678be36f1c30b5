// The list of test projects: one per package. Root vitest.config.ts imports it (vitest 4
// no longer reads this file on its own).
export default [
  'packages/*/vitest.config.ts',
  'packages/handler/vitest.reliability.config.ts',
  'packages/handler/vitest.guard-attack.config.ts',
  'packages/providers/*/vitest.config.ts',
  'examples/*/vitest.config.ts',
  'scripts/vitest.config.ts',
  'deploy/terraform/vitest.config.ts',
];
