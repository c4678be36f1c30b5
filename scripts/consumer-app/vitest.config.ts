import { defineConfig } from 'vitest/config';

// Each handler test starts a Node process that loads the whole handler: give it room on a busy machine.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 } });
