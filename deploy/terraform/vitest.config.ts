import { mergeConfig } from 'vitest/config';
import { sharedProject } from '../../vitest.shared.js';

// The first synthesis in a process loads much of aws-cdk-lib (seconds on a busy machine).
export default mergeConfig(sharedProject('terraform'), { test: { testTimeout: 120_000, hookTimeout: 120_000 } });
