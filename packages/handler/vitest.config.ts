import { mergeConfig } from 'vitest/config';
import { sharedProject } from '../../vitest.shared.js';

// test/reliability/ has its own projects (vitest.reliability.config.ts, vitest.guard-attack.config.ts).
export default mergeConfig(sharedProject('handler'), { test: { exclude: ['test/reliability/**', '**/node_modules/**'] } });
