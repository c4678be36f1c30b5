import { startEmulator } from '@cognito-sms/testkit';
import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import webhook from '../src/index.js';

describeProviderConformance({
  definition: webhook,
  emulator: {
    start: () => startEmulator(() => ({ status: 202, body: { id: 'hook-42' } })),
    retryable: { status: 429, headers: { 'retry-after': '1' } },
    permanent: { status: 400, body: { error: 'invalid number' } },
  },
  configure: (baseUrl) => ({ url: `${baseUrl}/sms`, signingSecret: 'whsec-conformance' }),
  readme: new URL('../README.md', import.meta.url),
});
