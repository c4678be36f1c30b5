import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import sinch from '../src/index.js';
import { SINCH_TEST_API_KEY, sinchError, startSinchEmulator } from './emulator.js';

describeProviderConformance({
  definition: sinch,
  emulator: {
    start: startSinchEmulator,
    retryable: sinchError(429, 'throttled'),
    permanent: sinchError(400, 'invalid_number'),
  },
  configure: (baseUrl) => ({ apiKey: SINCH_TEST_API_KEY, from: '+15005550006', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
