// The third-party adapter, built in this app from the installed @cognito-sms/core, passes the
// installed testkit's conformance suite: the proof an adapter author runs before publishing.
import acme from '@acme/cognito-sms-provider-acme';
import { startEmulator } from '@cognito-sms/testkit';
import { describeProviderConformance } from '@cognito-sms/testkit/conformance';

describeProviderConformance({
  definition: acme,
  emulator: {
    start: () => startEmulator(() => ({ status: 201, body: { id: 'acme-1' } })),
    retryable: { status: 429, headers: { 'retry-after': '1' } },
    permanent: { status: 400, body: { error: 'invalid number' } },
  },
  configure: (baseUrl) => ({ baseUrl, apiKey: 'acme-conformance-key', from: 'Acme' }),
  readme: new URL('../acme-adapter/README.md', import.meta.url),
});
