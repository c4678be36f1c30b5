import { describeProviderConformance } from '@cognito-sms/testkit/conformance';
import { startTwilioEmulator, TWILIO_EMULATOR_CREDENTIALS, twilioError } from '@cognito-sms/testkit/emulators/twilio';
import twilio from '../src/index.js';

describeProviderConformance({
  definition: twilio,
  emulator: {
    start: () => startTwilioEmulator(),
    // Documented: 429 / 20429 Too Many Requests (retryable), 400 / 21211 invalid 'To' number (permanent).
    retryable: twilioError(20429),
    permanent: twilioError(21211, { to: '+447700900461' }),
  },
  configure: (baseUrl) => ({
    accountSid: TWILIO_EMULATOR_CREDENTIALS.accountSid,
    authToken: TWILIO_EMULATOR_CREDENTIALS.authToken,
    from: '+15005550006',
    baseUrl,
  }),
  readme: new URL('../README.md', import.meta.url),
});
