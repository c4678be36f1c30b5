import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import infobip from '../src/index.js';
import { INFOBIP_TEST_API_KEY, infobipError, startInfobipEmulator } from './emulator.js';

describeProviderConformance({
  definition: infobip,
  emulator: {
    start: startInfobipEmulator,
    retryable: infobipError(429, 'throttled'),
    permanent: infobipError(400, 'invalid_number'),
  },
  configure: (baseUrl) => ({ apiKey: INFOBIP_TEST_API_KEY, from: '+15005550006', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
