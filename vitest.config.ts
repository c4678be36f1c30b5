import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import projects from './vitest.workspace.js';

export default defineConfig({
  test: {
    projects,
    // Worker threads start faster than forked processes, and many files spend their time
    // waiting on loopback servers and child processes: one worker per core (vitest's default
    // is one fewer, a single worker on the 2-core machine).
    pool: 'threads',
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
