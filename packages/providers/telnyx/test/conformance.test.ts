import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import telnyx from '../src/index.js';
import { TELNYX_TEST_API_KEY, telnyxError, startTelnyxEmulator } from './emulator.js';

describeProviderConformance({
  definition: telnyx,
  emulator: {
    start: startTelnyxEmulator,
    retryable: telnyxError(429, 'throttled'),
    permanent: telnyxError(400, 'invalid_number'),
  },
  configure: (baseUrl) => ({ apiKey: TELNYX_TEST_API_KEY, from: '+15005550006', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
