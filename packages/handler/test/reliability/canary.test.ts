import { isCognitoSmsError, isConfigError, TRIGGER_SOURCES, type TriggerSource } from '@cognito-sms/core';
import { cognitoEvent, type Emulator, escapeLikeCognito } from '@cognito-sms/testkit';
import { endUserMessagingError, startEndUserMessagingEmulator } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { type MessageBirdEmulator, messageBirdError, startMessageBirdEmulator } from '@cognito-sms/testkit/emulators/messagebird';
import { type SecretsManagerEmulator, startSecretsManagerEmulator } from '@cognito-sms/testkit/emulators/secrets-manager';
import { snsError, startSnsEmulator } from '@cognito-sms/testkit/emulators/sns';
import { startTwilioEmulator, type TwilioEmulator, twilioError } from '@cognito-sms/testkit/emulators/twilio';
import { startVonageEmulator, type VonageEmulator, vonageError } from '@cognito-sms/testkit/emulators/vonage';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CustomSmsSenderHandler, createHandler } from '../../src/create-handler.js';
import {
  AWS_ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY,
  CanaryScanner,
  jsonLines,
  RECORDER_PROVIDER,
  recordedSms,
  reportFigures,
  thrownBy,
  useLoopbackKms,
  useOutputSink,
} from './support.js';

// The secret-leak canary: distinctive codes, temporary passwords, phone numbers and credentials
// go through every path the handler has (each trigger through each real adapter at DEBUG log
// level with metrics on, duplicate replays, provider rejections that quote the number and the
// text, KMS failures, invalid events, configuration errors around secrets), and every chunk
// written to stdout/stderr and every thrown error (message, stack, cause chain, properties) is
// searched for them. The other reliability suites run the same scanner over their own cases.

const PHONE = '+447700900613';
const USERNAME_PHONE = '+447700900614';
const SECRETS = {
  vonage: 'cnry-vonage-Secret-61',
  twilio: 'cnry-twilio-auth-token-6161616',
  messagebird: 'live_CnryMessageBirdKey61',
  managed: 'cnry-managed-Secret-6162',
};
const ORIGINATION = 'pool-0123456789abcdef';
const code = (trigger: TriggerSource, provider: string) => `Cnry${provider.slice(0, 3)}${TRIGGER_SOURCES.indexOf(trigger)}Zq`;
const PASSWORD = 'Cnry<Tmp&Pw61"';
// Passwords the adapters' redactors cannot tell from prose: letters only, and a short one
// without a run of digits. Only the exact value, known at send time, finds them.
const ECHOED_PASSWORDS = ['correcthorsestaple', 'Kx7#pQ2m<&Zq'];

const scanner = new CanaryScanner()
  .add('phone', PHONE)
  .add('phone used as user name', USERNAME_PHONE)
  .add('phone, spaced', '+44 7700 900613')
  .add('temporary password', PASSWORD)
  .add('temporary password, escaped', escapeLikeCognito(PASSWORD))
  .add('AWS secret key', AWS_SECRET_ACCESS_KEY)
  .addPattern('a canary code', /Cnry[a-z-]{3}\d+Zq/);
for (const [id, secret] of Object.entries(SECRETS)) scanner.add(`${id} credential`, secret);
for (const password of ECHOED_PASSWORDS) {
  scanner.add(`echoed password ${password}`, password);
  scanner.add(`echoed password ${password}, URL-encoded`, encodeURIComponent(password));
  scanner.add(`echoed password ${password}, escaped`, escapeLikeCognito(password));
}
const kms = useLoopbackKms();
const sink = useOutputSink(scanner, { keep: true });

type ProviderId = 'vonage' | 'twilio' | 'messagebird' | 'sns' | 'end-user-messaging';
const PROVIDERS: readonly ProviderId[] = ['vonage', 'twilio', 'messagebird', 'sns', 'end-user-messaging'];
let vonage: VonageEmulator;
let twilio: TwilioEmulator;
let messagebird: MessageBirdEmulator;
let sns: Emulator;
let eum: Emulator;
let secretsManager: SecretsManagerEmulator;
let providerEnv: Record<string, string>;
const handlers = new Map<ProviderId, CustomSmsSenderHandler>();
const figures = { invocations: 0, delivered: 0, refused: 0, configErrors: 0, byPath: {} as Record<string, number> };
const context = { awsRequestId: 'canary', getRemainingTimeInMillis: () => 10_000 };

beforeAll(async () => {
  const aws = { accessKeyId: AWS_ACCESS_KEY_ID, secretAccessKey: AWS_SECRET_ACCESS_KEY };
  vonage = await startVonageEmulator({ apiKey: 'can1abcd', apiSecret: SECRETS.vonage });
  twilio = await startTwilioEmulator({ authToken: SECRETS.twilio });
  messagebird = await startMessageBirdEmulator({ accessKey: SECRETS.messagebird });
  sns = await startSnsEmulator({ region: kms.kms.region, credentials: aws });
  eum = await startEndUserMessagingEmulator({ region: kms.kms.region, credentials: aws, originationIdentities: [ORIGINATION] });
  secretsManager = await startSecretsManagerEmulator({ region: kms.kms.region });
  vi.stubEnv('AWS_ENDPOINT_URL_SNS', sns.baseUrl);
  vi.stubEnv('AWS_ENDPOINT_URL_PINPOINT_SMS_VOICE_V2', eum.baseUrl);
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', secretsManager.endpoint);
  // Powertools reads its level from the process environment: DEBUG adds the 'Delivering SMS' line.
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  scanner.add('twilio credential (Basic)', Buffer.from(`${twilio.accountSid}:${SECRETS.twilio}`).toString('base64'));
  scanner.add('vonage credential (Basic)', Buffer.from(`can1abcd:${SECRETS.vonage}`).toString('base64'));
  providerEnv = {
    VONAGE_API_KEY: 'can1abcd',
    VONAGE_API_SECRET: SECRETS.vonage,
    VONAGE_FROM: 'AcmeInc',
    VONAGE_BASE_URL: vonage.baseUrl,
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: SECRETS.twilio,
    TWILIO_FROM: '+15005550006',
    TWILIO_BASE_URL: twilio.baseUrl,
    MESSAGEBIRD_ACCESS_KEY: SECRETS.messagebird,
    MESSAGEBIRD_ORIGINATOR: 'Acme',
    MESSAGEBIRD_BASE_URL: messagebird.baseUrl,
    END_USER_MESSAGING_ORIGINATION_IDENTITY: ORIGINATION,
  };
  for (const provider of PROVIDERS) {
    handlers.set(
      provider,
      await createHandler({
        KMS_KEY_ARN: kms.keyArn,
        SMS_GUARD: 'off',
        SMS_PROVIDER: provider,
        SMS_IDEMPOTENCY: 'memory',
        SMS_MAX_RETRIES: '0',
        ...providerEnv,
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([vonage, twilio, messagebird, sns, eum, secretsManager].map((emulator) => emulator?.close()));
  reportFigures('canary', {
    ...figures,
    canariesArmed: scanner.armed,
    chunksScanned: scanner.scannedChunks,
    bytesScanned: scanner.scannedBytes,
    errorsScanned: scanner.scannedErrors,
    leaks: scanner.leaks.length,
    leakList: scanner.leaks,
  });
});

const count = (path: string) => {
  figures.byPath[path] = (figures.byPath[path] ?? 0) + 1;
};

async function invoke(handler: CustomSmsSenderHandler, event: unknown, path: string) {
  figures.invocations += 1;
  count(path);
  const error = await thrownBy(handler(event, context));
  if (error === undefined) figures.delivered += 1;
  else {
    figures.refused += 1;
    scanner.scanError(error, `error (${path})`);
    expect(isCognitoSmsError(error), `${path}: ${String(error)}`).toBe(true);
  }
  return error;
}

const eventFor = async (trigger: TriggerSource, provider: string, extra: { userName?: string; phoneNumber?: string } = {}) => {
  const plaintext = trigger === 'CustomSMSSender_AdminCreateUser' ? escapeLikeCognito(PASSWORD) : code(trigger, provider);
  const ciphertext = trigger === 'CustomSMSSender_AccountTakeOverNotification' ? null : await kms.encrypt(plaintext);
  return cognitoEvent(trigger, {
    code: ciphertext,
    phoneNumber: extra.phoneNumber ?? PHONE,
    ...(extra.userName ? { userName: extra.userName } : {}),
  });
};

describe('Reliability: secret-leak canary', () => {
  it('the scanner itself finds a canary in its derived forms, by pattern, and in an error cause', () => {
    // Prepare: a scanner of its own, so these planted leaks do not count.
    const probe = new CanaryScanner()
      .add('phone', PHONE)
      .add('secret', SECRETS.vonage)
      .addPattern('code', /Cnry[a-z-]{3}\d+Zq/);
    // Act
    probe.scan(`{"to":"${PHONE.slice(1)}"}`, 'stdout');
    probe.scan('callback?To=%2B447700900613', 'stdout');
    probe.scan('dial 07700900613', 'stdout');
    probe.scan('body: Cnryvon3Zq', 'stderr');
    probe.scanError(new Error('wrapped', { cause: new Error(`auth failed for ${SECRETS.vonage}`) }));
    probe.scan('+44********13 and [redacted]', 'stdout');
    // Assess
    expect(probe.leaks.map((leak) => leak.canary)).toEqual([
      'phone (digits)',
      'phone (digits)',
      'phone (URL-encoded)',
      'phone (national)',
      'code',
      'secret',
    ]);
    expect(probe.leaks.every((leak) => !leak.excerpt.includes(SECRETS.vonage))).toBe(true);
  });

  it.each(PROVIDERS)('delivers every trigger through %s at DEBUG level, replays a duplicate, and prints no canary', async (provider) => {
    const handler = handlers.get(provider) as CustomSmsSenderHandler;
    for (const trigger of TRIGGER_SOURCES) {
      sink.clear();
      const event = await eventFor(trigger, provider);
      expect(await invoke(handler, event, `${provider} delivery`)).toBeUndefined();
      // The same event again: answered from the idempotency record, nothing sent.
      if (trigger !== 'CustomSMSSender_AccountTakeOverNotification')
        expect(await invoke(handler, event, `${provider} duplicate`)).toBeUndefined();
      const messages = jsonLines(sink.lines).map((line) => line.message);
      expect(messages).toContain('SMS sent');
      expect(messages).toContain('Delivering SMS'); // the DEBUG line, with the masked number
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no phone number when the user name is the phone number (pools that sign in by phone)', async () => {
    const handler = handlers.get('twilio') as CustomSmsSenderHandler;
    for (const trigger of TRIGGER_SOURCES) {
      await invoke(
        handler,
        await eventFor(trigger, 'twilio', { userName: USERNAME_PHONE, phoneNumber: USERNAME_PHONE }),
        'user name is the number',
      );
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no canary when each provider rejects the message quoting the number and the text', async () => {
    const body = `Your verification code is ${code('CustomSMSSender_SignUp', 'rej')}`;
    vonage.enqueue(vonageError(6, `Invalid Message: "${body}" to ${PHONE.slice(1)}`));
    twilio.enqueue(twilioError(21211, { to: PHONE }));
    messagebird.enqueue(messageBirdError(9, { description: `no (correct) recipients found: ${PHONE} for "${body}"` }));
    sns.enqueue(snsError('InvalidParameter', `Invalid parameter: PhoneNumber Reason: ${PHONE} is not valid to publish "${body}"`));
    eum.enqueue(
      endUserMessagingError('ValidationException', {
        reason: 'INVALID_PARAMETER',
        message: `Invalid destination ${PHONE} for message ${body}`,
      }),
    );
    for (const provider of PROVIDERS) {
      const ciphertext = await kms.encrypt(code('CustomSMSSender_SignUp', 'rej'));
      const error = await invoke(
        handlers.get(provider) as CustomSmsSenderHandler,
        cognitoEvent('CustomSMSSender_SignUp', { code: ciphertext, phoneNumber: PHONE }),
        `${provider} rejection`,
      );
      expect(error, provider).toMatchObject({ name: 'ProviderError', retryable: false });
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no temporary password when each provider echoes it alone, URL-encoded and HTML-escaped', async () => {
    for (const password of ECHOED_PASSWORDS) {
      const echo = `${password} (${encodeURIComponent(password)}, ${escapeLikeCognito(password)})`;
      const twilioRejection = twilioError(21617);
      vonage.enqueue(vonageError(6, `Invalid Message: ${echo}`));
      twilio.enqueue({ ...twilioRejection, body: { ...(twilioRejection.body as object), message: `Rejected body: ${echo}` } });
      messagebird.enqueue(messageBirdError(9, { description: `message refused: ${echo}` }));
      sns.enqueue(snsError('InvalidParameter', `Invalid parameter: Message Reason: ${echo}`));
      eum.enqueue(endUserMessagingError('ValidationException', { reason: 'INVALID_PARAMETER', message: `Invalid message ${echo}` }));
      for (const provider of PROVIDERS) {
        const event = cognitoEvent('CustomSMSSender_AdminCreateUser', {
          code: await kms.encrypt(escapeLikeCognito(password)),
          phoneNumber: PHONE,
        });
        const error = await invoke(handlers.get(provider) as CustomSmsSenderHandler, event, `${provider} echoes the password`);
        expect(error, provider).toMatchObject({ name: 'ProviderError', retryable: false });
        // The rest of the provider's text is still there to read.
        expect((error as Error).message, provider).toContain('[redacted]');
      }
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no canary when KMS throttles, refuses access or fails', async () => {
    const handler = handlers.get('vonage') as CustomSmsSenderHandler;
    // The KMS client keeps the SDK's standard retries (3 attempts) for throttling and 5xx.
    for (const [type, status, attempts] of [
      ['ThrottlingException', 400, 3],
      ['AccessDeniedException', 400, 1],
      ['KMSInternalException', 500, 3],
    ] as const) {
      for (let i = 0; i < attempts; i++) kms.kms.injectFault({ operation: 'Decrypt', type, status, message: `${type} for the request` });
      const error = await invoke(
        handler,
        await eventFor('CustomSMSSender_Authentication', `k${type.slice(0, 2).toLowerCase()}`),
        `KMS ${type}`,
      );
      expect(error).toMatchObject({ name: 'DecryptError', code: 'KmsUnavailable' });
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no canary for invalid events that carry a code, a password or a number', async () => {
    const handler = await createHandler({ KMS_KEY_ARN: kms.keyArn, SMS_GUARD: 'off', SMS_PROVIDER: RECORDER_PROVIDER });
    const valid = await eventFor('CustomSMSSender_SignUp', 'inv');
    const admin = await eventFor('CustomSMSSender_AdminCreateUser', 'inv');
    const cases: [string, unknown][] = [
      ['a number with spaces', { ...valid, request: { ...valid.request, userAttributes: { phone_number: '+44 7700 900613' } } }],
      ['a number without +', { ...valid, request: { ...valid.request, userAttributes: { phone_number: PHONE.slice(1) } } }],
      ['a wrong request type', { ...valid, request: { ...valid.request, type: 'customEmailSenderRequestV1' } }],
      ['the password event of another pool', { ...admin, userPoolId: 'eu-west-1_Elsewhere1' }],
      [
        'a plaintext code in place of the ciphertext',
        { ...valid, request: { ...valid.request, code: code('CustomSMSSender_SignUp', 'pla') } },
      ],
      [
        'the plaintext password in place of the ciphertext',
        { ...admin, request: { ...admin.request, code: Buffer.from(PASSWORD).toString('base64') } },
      ],
      ['an unknown trigger', { ...valid, triggerSource: 'CustomSMSSender_Unknown' }],
    ];
    for (const [name, event] of cases) {
      const error = await invoke(handler, event, `invalid event: ${name}`);
      expect(error, name).toBeDefined();
    }
    expect(recordedSms()).toEqual([]);
    expect(scanner.leaks).toEqual([]);
  });

  it('prints no credential in configuration errors: a JSON secret without the key, a missing secret, invalid neighbours', async () => {
    const arn = secretsManager.putSecret('prod/vonage', JSON.stringify({ apiSecret: SECRETS.managed, note: SECRETS.managed }));
    const envs: [string, Record<string, string>][] = [
      ['JSON secret without the referenced key', { ...providerEnv, VONAGE_API_SECRET: `${arn}:wrongKey` }],
      ['secret that does not exist', { ...providerEnv, VONAGE_API_SECRET: arn.replace('prod/vonage', 'prod/none') }],
      ['invalid neighbours of a valid secret', { ...providerEnv, VONAGE_FROM: 'Acme Incorporated Ltd', VONAGE_BASE_URL: 'not a url' }],
      [
        'twilio credentials set twice',
        { ...providerEnv, TWILIO_API_KEY_SID: `SK${'0'.repeat(32)}`, TWILIO_API_KEY_SECRET: SECRETS.twilio },
      ],
    ];
    for (const [name, env] of envs) {
      const provider = name.startsWith('twilio') ? 'twilio' : 'vonage';
      count(`config: ${name}`);
      const error = await thrownBy(createHandler({ KMS_KEY_ARN: kms.keyArn, SMS_GUARD: 'off', SMS_PROVIDER: provider, ...env }));
      figures.configErrors += 1;
      expect(isConfigError(error), `${name}: ${String(error)}`).toBe(true);
      scanner.scanError(error, `config error (${name})`);
    }
    expect(scanner.leaks).toEqual([]);
  });

  it('found no canary in any of the lines and errors above', () => {
    expect(figures.invocations).toBeGreaterThan(90);
    expect(scanner.scannedChunks).toBeGreaterThan(figures.invocations);
    expect(scanner.leaks).toEqual([]);
  });
});
