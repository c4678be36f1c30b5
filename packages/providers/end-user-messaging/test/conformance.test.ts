import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import { endUserMessagingError, startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { afterAll, vi } from 'vitest';
import endUserMessagingProvider from '../src/index.js';

const credentials = { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'conformance-secret' };
afterAll(() => {
  vi.unstubAllEnvs();
});

describeProviderConformance({
  definition: endUserMessagingProvider,
  emulator: {
    start: () => startEndUserMessagingEmulator({ region: 'eu-west-1', credentials }),
    retryable: endUserMessagingError('ThrottlingException'),
    permanent: endUserMessagingError('ValidationException', { reason: 'DESTINATION_COUNTRY_BLOCKED' }),
  },
  // The endpoint, region and credentials reach the AWS SDK through its own chain.
  configure: (baseUrl) => {
    vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', baseUrl);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    return { originationIdentity: '+14155550100' };
  },
  readme: new URL('../README.md', import.meta.url),
});
