// Loopback emulators the demo can deliver to, so `--provider <id>` runs the real adapter over
// HTTP with no account: each entry starts the provider's emulator and returns the variables
// that point the handler at it.
import type { Emulator, RecordedRequest, SentCallback } from '@cognito-sms/testkit';
import { startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import { startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { startTwilioEmulator, TWILIO_EMULATOR_CREDENTIALS } from '@cognito-sms/testkit/emulators/twilio';
import { startVonageEmulator } from '@cognito-sms/testkit/emulators/vonage';

export interface EmulatedProvider {
  readonly emulator: Emulator;
  readonly env: Record<string, string>;
  /** The destination and text the emulator received, decoded from the provider's wire format. */
  readonly received: (request: RecordedRequest) => { to: string | undefined; text: string | undefined };
  /** The status callbacks the emulator sent to SMS_RECEIPTS_URL, for those that send them. */
  readonly receipts?: () => Promise<readonly SentCallback[]>;
  /** The provider's status word in a callback (`sent`, `delivered`). */
  readonly receiptStatus?: (callback: SentCallback) => string | undefined;
}

const AWS_CREDENTIALS = { accessKeyId: 'AKIDDEMO', secretAccessKey: 'demo' };

export const EMULATED_PROVIDERS: Readonly<Record<string, (region: string) => Promise<EmulatedProvider>>> = {
  async twilio() {
    const emulator = await startTwilioEmulator();
    return {
      emulator,
      env: {
        TWILIO_ACCOUNT_SID: TWILIO_EMULATOR_CREDENTIALS.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO_EMULATOR_CREDENTIALS.authToken,
        TWILIO_FROM: '+15005550006',
        TWILIO_BASE_URL: emulator.baseUrl,
      },
      received: (r) => ({ to: r.form?.get('To') ?? undefined, text: r.form?.get('Body') ?? undefined }),
      receipts: () => emulator.receipts(),
      receiptStatus: (callback) => new URLSearchParams(callback.body).get('MessageStatus') ?? undefined,
    };
  },
  async vonage() {
    const emulator = await startVonageEmulator({ apiKey: 'demo-key', apiSecret: 'demo-secret' });
    return {
      emulator,
      env: {
        VONAGE_API_KEY: 'demo-key',
        VONAGE_API_SECRET: 'demo-secret',
        VONAGE_FROM: 'AcmeDemo',
        VONAGE_BASE_URL: emulator.baseUrl,
        VONAGE_SIGNATURE_SECRET: emulator.signatureSecret,
      },
      received: (r) => {
        const fields = r.form ?? new URLSearchParams(r.json as Record<string, string>);
        return { to: fields.get('to') ?? undefined, text: fields.get('text') ?? undefined };
      },
      receipts: () => emulator.receipts(),
      // JSON DLRs (the emulator's default webhook method), signed by their `sig` parameter.
      receiptStatus: (callback) => (JSON.parse(callback.body || '{}') as { status?: string }).status,
    };
  },
  async messagebird() {
    const emulator = await startMessageBirdEmulator({ accessKey: 'live_demo_access_key' });
    return {
      emulator,
      env: {
        MESSAGEBIRD_ACCESS_KEY: 'live_demo_access_key',
        MESSAGEBIRD_ORIGINATOR: 'AcmeDemo',
        MESSAGEBIRD_BASE_URL: emulator.baseUrl,
        MESSAGEBIRD_SIGNING_KEY: emulator.signingKey,
      },
      received: (r) => {
        const body = (r.json ?? Object.fromEntries(r.form ?? [])) as { recipients?: unknown; body?: string };
        return { to: String(body.recipients ?? ''), text: body.body };
      },
      receipts: () => emulator.receipts(),
      receiptStatus: (callback) => new URL(callback.url).searchParams.get('status') ?? undefined,
    };
  },
  async sns(region) {
    const emulator = await startSnsEmulator({ region, credentials: AWS_CREDENTIALS });
    return {
      emulator,
      env: { AWS_ENDPOINT_URL_SNS: emulator.baseUrl },
      received: (r) => ({ to: r.form?.get('PhoneNumber') ?? undefined, text: r.form?.get('Message') ?? undefined }),
    };
  },
  async 'end-user-messaging'(region) {
    const emulator = await startEndUserMessagingEmulator({ region, credentials: AWS_CREDENTIALS });
    return {
      emulator,
      env: { AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2: emulator.baseUrl, END_USER_MESSAGING_ORIGINATION_IDENTITY: '+14155550100' },
      received: (r) => {
        const body = r.json as { DestinationPhoneNumber?: string; MessageBody?: string } | undefined;
        return { to: body?.DestinationPhoneNumber, text: body?.MessageBody };
      },
    };
  },
};

/** The providers `--receipts` works with: their emulators post signed status callbacks. */
export const RECEIPT_PROVIDERS = ['twilio', 'vonage', 'messagebird'];

export const DEMO_AWS_CREDENTIALS = AWS_CREDENTIALS;
