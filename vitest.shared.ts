import { defineProject } from 'vitest/config';

/**
 * Settings every package's vitest.config.ts shares: workspace packages resolve to their
 * TypeScript sources (the `@cognito-sms/source` export condition), so tests need no build.
 */
export const sharedProject = (name: string) =>
  defineProject({
    resolve: { conditions: ['@cognito-sms/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@cognito-sms/source', 'node', 'import', 'default'] } },
    test: {
      name,
      environment: 'node',
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
    },
  });
