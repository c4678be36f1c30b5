import { mergeConfig } from 'vitest/config';
import { sharedProject } from '../../vitest.shared.js';

// test/reliability/ is its own project (vitest.reliability.config.ts).
export default mergeConfig(sharedProject('handler'), { test: { exclude: ['test/reliability/**', '**/node_modules/**'] } });
