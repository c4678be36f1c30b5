import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import sinch from '../src/index.js';
import { SINCH_TEST_API_TOKEN, SINCH_TEST_SERVICE_PLAN_ID, sinchError, sinchHttpError, startSinchEmulator } from './emulator.js';

describeProviderConformance({
  definition: sinch,
  emulator: {
    start: () => startSinchEmulator(),
    // 429 "too many outstanding requests": Sinch did not take the message.
    retryable: sinchHttpError(429),
    // 400 syntax_invalid_parameter_format: e.g. a badly formatted recipient MSISDN.
    permanent: sinchError(400, 'syntax_invalid_parameter_format', 'Invalid MSISDN'),
  },
  configure: (baseUrl) => ({ servicePlanId: SINCH_TEST_SERVICE_PLAN_ID, apiToken: SINCH_TEST_API_TOKEN, from: '+12025550134', baseUrl }),
  readme: new URL('../README.md', import.meta.url),
});
