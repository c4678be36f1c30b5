import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import plivo from '../src/index.js';
import { PLIVO_TEST_AUTH_ID, PLIVO_TEST_AUTH_TOKEN, plivoErrors, startPlivoEmulator } from './emulator.js';

describeProviderConformance({
  definition: plivo,
  emulator: {
    start: () => startPlivoEmulator(),
    // Documented: 429 rate_limit_exceeded (retryable) and 400 "'…' is not a valid phone number." (permanent).
    retryable: plivoErrors.rateLimited(),
    permanent: plivoErrors.invalidNumber('447700900461'),
  },
  configure: (baseUrl) => ({ authId: PLIVO_TEST_AUTH_ID, authToken: PLIVO_TEST_AUTH_TOKEN, from: '+14155550100', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
