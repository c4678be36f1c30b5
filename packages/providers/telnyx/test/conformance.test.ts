import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import telnyx from '../src/index.js';
import { startTelnyxEmulator, TELNYX_TEST_API_KEY, telnyxError } from './emulator.js';

describeProviderConformance({
  definition: telnyx,
  emulator: {
    start: () => startTelnyxEmulator(),
    // Documented: 10011 Too many requests (HTTP 429, retryable) and 40310 Invalid 'to' address (HTTP 400, permanent).
    retryable: telnyxError('10011'),
    permanent: telnyxError('40310', { pointer: '/to' }),
  },
  // TELNYX_BASE_URL is the API base including /v2, as in the SDK (https://api.telnyx.com/v2).
  configure: (baseUrl) => ({ apiKey: TELNYX_TEST_API_KEY, from: '+14155550100', baseUrl: `${baseUrl}/v2` }),
  readme: new URL('../README.md', import.meta.url),
});
