import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import { snsError, startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { afterAll, vi } from 'vitest';
import snsProvider from '../src/index.js';

const credentials = { accessKeyId: 'AKIDCONFORMANCE', secretAccessKey: 'conformance-secret' };
afterAll(() => {
  vi.unstubAllEnvs();
});

describeProviderConformance({
  definition: snsProvider,
  emulator: {
    start: () => startSnsEmulator({ region: 'eu-west-1', credentials }),
    retryable: snsError('Throttling'),
    permanent: snsError('InvalidParameter', 'Invalid parameter: PhoneNumber Reason: not a valid number'),
  },
  // The endpoint, region and credentials reach the AWS SDK through its own chain.
  configure: (baseUrl) => {
    vi.stubEnv('AWS_ENDPOINT_URL_SNS', baseUrl);
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    vi.stubEnv('AWS_ACCESS_KEY_ID', credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey);
    return {};
  },
  readme: new URL('../README.md', import.meta.url),
});
