import { mergeConfig } from 'vitest/config';
import { sharedProject } from '../../vitest.shared.js';

// tsc over @aws-amplify/backend's types and the first synthesis (aws-cdk-lib, esbuild bundling
// the handler) take seconds each on a busy machine.
export default mergeConfig(sharedProject('example-amplify-gen2'), { test: { testTimeout: 120_000, hookTimeout: 120_000 } });
