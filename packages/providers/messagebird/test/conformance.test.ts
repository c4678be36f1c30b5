import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import { messageBirdError, startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import messageBirdProvider from '../src/index.js';

const ACCESS_KEY = 'live_ConformanceKey123';

describeProviderConformance({
  definition: messageBirdProvider,
  emulator: {
    start: () => startMessageBirdEmulator({ accessKey: ACCESS_KEY }),
    retryable: messageBirdError(99),
    permanent: messageBirdError(10),
  },
  configure: (baseUrl) => ({ accessKey: ACCESS_KEY, originator: 'Acme', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
