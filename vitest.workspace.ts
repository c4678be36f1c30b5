import { sharedProject } from './vitest.shared.js';

// The list of test projects. Root vitest.config.ts imports it (vitest 4 no longer reads this
// file on its own). Files that share their settings share a project: vitest builds one module
// graph per project in each worker, so a project per package loaded core, zod, the SDKs and
// aws-cdk-lib again for every package (`/usr/bin/time vitest run` on 2 cores: 202 s of CPU
// with one project per package, 150 to 175 s with these).
// Run one package's tests with a path filter: `npx vitest run packages/providers/twilio`.
export default [
  sharedProject('packages', {
    include: [
      'packages/*/test/**/*.test.ts',
      'packages/providers/*/test/**/*.test.ts',
      'examples/sms-provider-webhook/test/**/*.test.ts',
    ],
    // Their own projects, below; a new package joins this one without a line here.
    exclude: ['packages/cdk/**', 'packages/handler/test/reliability/**', '**/node_modules/**'],
  }),
  // The first synthesis in a process loads much of aws-cdk-lib (seconds on a busy machine).
  sharedProject('cdk', {
    include: ['packages/cdk/test/**/*.test.ts', 'examples/{cdk,amplify-gen2}/test/**/*.test.ts', 'deploy/terraform/test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  }),
  'packages/handler/vitest.reliability.config.ts',
  'packages/handler/vitest.guard-attack.config.ts',
  'scripts/vitest.config.ts',
];
