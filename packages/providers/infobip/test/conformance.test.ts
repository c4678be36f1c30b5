import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import infobip from '../src/index.js';
import { INFOBIP_TEST_API_KEY, infobipError, infobipRejected, infobipStatusResponse, startInfobipEmulator } from './emulator.js';

describeProviderConformance({
  definition: infobip,
  emulator: {
    start: () => startInfobipEmulator(),
    // 429 TOO_MANY_REQUESTS: Infobip did not take the message.
    retryable: infobipError(429, 'TOO_MANY_REQUESTS', 'Too many requests'),
    // HTTP 200 with a REJECTED status: the destination is not a valid number.
    permanent: infobipStatusResponse(infobipRejected('REJECTED_DESTINATION')),
  },
  configure: (baseUrl) => ({ apiKey: INFOBIP_TEST_API_KEY, baseUrl, from: 'Acme' }),
  readme: new URL('../README.md', import.meta.url),
});
