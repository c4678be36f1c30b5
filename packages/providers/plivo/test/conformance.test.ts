import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import plivo from '../src/index.js';
import { PLIVO_TEST_API_KEY, plivoError, startPlivoEmulator } from './emulator.js';

describeProviderConformance({
  definition: plivo,
  emulator: {
    start: startPlivoEmulator,
    retryable: plivoError(429, 'throttled'),
    permanent: plivoError(400, 'invalid_number'),
  },
  configure: (baseUrl) => ({ apiKey: PLIVO_TEST_API_KEY, from: '+15005550006', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
