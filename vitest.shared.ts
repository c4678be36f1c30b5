import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

type TestOptions = NonNullable<UserWorkspaceConfig['test']>;

/**
 * Settings every test project shares: workspace packages resolve to their TypeScript sources
 * (the `@cognito-sms/source` export condition), so tests need no build. `test` replaces the
 * shared test options key by key (unlike mergeConfig, which would concatenate `include`).
 */
export const sharedProject = (name: string, test: TestOptions = {}) =>
  defineProject({
    resolve: { conditions: ['@cognito-sms/source', 'node', 'import', 'default'] },
    ssr: { resolve: { conditions: ['@cognito-sms/source', 'node', 'import', 'default'] } },
    test: {
      name,
      environment: 'node',
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
      // A worker runs its files one after another in one module graph, so the AWS SDK, the
      // Encryption SDK and aws-cdk-lib load once per worker, not once per file. Safe because a
      // file leaves no state behind: environment changes go through vi.stubEnv and are undone
      // in afterAll, spies are restored, servers closed, and no package keeps module state
      // between handler instances (each createHandler builds its own child container).
      isolate: false,
      ...test,
    },
  });
