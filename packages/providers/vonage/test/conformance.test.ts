import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import { startVonageEmulator, vonageError } from '@cognito-sms/testkit/emulators/vonage';
import vonageProvider from '../src/index.js';

const API_KEY = 'conformance-key';
const API_SECRET = 'conformance-secret-1';

describeProviderConformance({
  definition: vonageProvider,
  emulator: {
    start: () => startVonageEmulator({ apiKey: API_KEY, apiSecret: API_SECRET }),
    // Vonage reports both inside an HTTP 200: status 1 is "Throttled", 3 "Invalid Parameters".
    retryable: vonageError(1, 'Throughput Rate Exceeded - please wait [ 1 ] and retry'),
    permanent: vonageError(3, 'Invalid to address'),
  },
  configure: (baseUrl) => ({ apiKey: API_KEY, apiSecret: API_SECRET, from: 'AcmeInc', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
