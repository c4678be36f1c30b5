#!/usr/bin/env node
// The offline demo: starts a loopback KMS, encrypts a code for each trigger source exactly as
// Cognito does, invokes the built Lambda handler, and shows each SMS the provider delivers.
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TRIGGER_SOURCES, type TriggerSource } from '@cognito-sms/core';
import {
  cognitoEvent,
  DEFAULT_PHONE_NUMBER,
  DEFAULT_USER_POOL_ID,
  encryptLikeCognito,
  escapeLikeCognito,
  type FunctionUrlHandler,
  startFunctionUrl,
  startLoopbackKms,
} from '@cognito-sms/testkit';
import { startDynamoDbEmulator } from '@cognito-sms/testkit/dynamodb';
import { ATTACK_ENV, runAttackDemo } from './attack.js';
import { DEMO_AWS_CREDENTIALS, EMULATED_PROVIDERS, type EmulatedProvider, RECEIPT_PROVIDERS } from './emulated-providers.js';

const USAGE = `Usage: npm run demo -- [options]

  --trigger <name>   one trigger source (e.g. SignUp or CustomSMSSender_SignUp); default: all
  --phone <e164>     destination number (default ${DEFAULT_PHONE_NUMBER})
  --code <code>      the secret to encrypt (default: a random 6-digit code per trigger)
  --provider <id>    deliver through a real adapter to its loopback emulator:
                     twilio, vonage, messagebird, sns, end-user-messaging (default: console)
  --receipts         also run the receipts function on a loopback function URL: the provider's
                     emulator posts signed status callbacks, each is verified and counted
                     (twilio, vonage, messagebird)
  --attack           replay an SMS-pumping burst against the fraud guard (in memory) and show
                     what was sent and why the rest was refused
  --verbose          also show the handler's JSON log lines
  --help             this text

Environment: SMS_PROVIDER and the provider's own variables are passed on when --provider is not given.`;

const { values } = parseArgs({
  // pnpm passes on the `--` of `npm run demo -- --trigger …`.
  args: process.argv.slice(2).filter((arg, index) => index > 0 || arg !== '--'),
  options: {
    trigger: { type: 'string' },
    phone: { type: 'string', default: process.env.DEMO_PHONE ?? DEFAULT_PHONE_NUMBER },
    code: { type: 'string', default: process.env.DEMO_CODE },
    provider: { type: 'string', default: process.env.DEMO_PROVIDER },
    verbose: { type: 'boolean', default: false },
    attack: { type: 'boolean', default: false },
    receipts: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

// The demo's handler, its loopback KMS client and emulators use the AWS SDK, whose clients warn
// on Node 20 that its later versions need Node 22 (the handler's Lambda runtime is nodejs22.x).
// The SDK's own switch keeps that out of the demo's output unless you set it yourself.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const triggers = selectTriggers(values.trigger ?? process.env.DEMO_TRIGGER);
const emulated = values.provider && values.provider !== 'console' ? selectEmulatedProvider(values.provider) : undefined;
if (values.receipts && !RECEIPT_PROVIDERS.includes(values.provider ?? 'console')) {
  console.error(`--receipts needs a provider whose emulator sends status callbacks: --provider ${RECEIPT_PROVIDERS.join(' | ')}`);
  process.exit(2);
}
// The receipts function is created once the environment is set; the URL must exist before, for SMS_RECEIPTS_URL.
let receiptsHandler: FunctionUrlHandler | undefined;
const DEMO_STATE_TABLE = 'cognito-sms-demo-state';
const receiptsUrl = values.receipts
  ? await startFunctionUrl(async (event, context) => {
      if (!receiptsHandler) throw new Error('the receipts function is not ready');
      return receiptsHandler(event, context);
    })
  : undefined;
// With receipts the sender records each send in the state table and the receipts function settles
// each receipt there (dynalite on loopback), so a receipt knows its country, trigger and latency.
const stateStore = values.receipts ? await startDynamoDbEmulator() : undefined;
await stateStore?.createTable(DEMO_STATE_TABLE);
const kms = await startLoopbackKms();
const keyArn = kms.keyArns[0] as string;
const provider = emulated ? await emulated(kms.region) : undefined;
Object.assign(process.env, {
  AWS_REGION: kms.region,
  AWS_ACCESS_KEY_ID: DEMO_AWS_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: DEMO_AWS_CREDENTIALS.secretAccessKey,
  AWS_ENDPOINT_URL_KMS: kms.endpoint,
  KMS_KEY_ARN: keyArn,
  SMS_PROVIDER: values.provider ?? process.env.SMS_PROVIDER ?? 'console',
  POWERTOOLS_LOG_LEVEL: values.verbose ? 'INFO' : 'ERROR',
  ...provider?.env,
  ...(receiptsUrl ? { SMS_RECEIPTS_URL: receiptsUrl.url } : {}),
  ...(stateStore ? { AWS_ENDPOINT_URL_DYNAMODB: stateStore.endpoint, SMS_IDEMPOTENCY_TABLE: DEMO_STATE_TABLE } : {}),
  // The burst's guard settings, unless the environment sets its own.
  ...(values.attack
    ? Object.fromEntries(
        Object.entries(ATTACK_ENV).map(([name, value]) => [
          name,
          name === 'POWERTOOLS_LOG_LEVEL' && values.verbose ? 'INFO' : (process.env[name] ?? value),
        ]),
      )
    : {}),
});

// Lines the handler writes while an event is handled, so the demo can show and check them.
const written: string[] = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  written.push(String(chunk));
  return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;

let failures = 0;
try {
  // Imported after the environment is set: the handler reads it once, at cold start.
  const { handler } = await import('@cognito-sms/handler');
  if (receiptsUrl) {
    const { createReceiptsHandler } = await import('@cognito-sms/handler/create-receipts-handler');
    const receipts = await createReceiptsHandler(process.env);
    receiptsHandler = (event) => receipts(event);
  }
  if (values.attack) {
    // The console provider prints every SMS; during the burst only the tally is shown.
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
      values.verbose
        ? (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest)
        : true) as typeof process.stdout.write;
    const held = await runAttackDemo(handler, kms, keyArn, (line) => write(`${line}\n`));
    await kms.close();
    process.exit(held ? 0 : 1);
  }
  console.log(
    `cognito-sms demo: provider ${process.env.SMS_PROVIDER}, loopback KMS ${kms.endpoint}, key ${keyArn}${receiptsUrl ? `, receipts function ${receiptsUrl.url}` : ''}\n`,
  );
  for (const trigger of triggers) {
    const secret = trigger === 'CustomSMSSender_AccountTakeOverNotification' ? undefined : (values.code ?? defaultSecret(trigger));
    const ciphertext =
      secret === undefined
        ? null
        : await encryptLikeCognito({
            plaintext: trigger === 'CustomSMSSender_AdminCreateUser' ? escapeLikeCognito(secret) : secret,
            keyArn,
            userPoolId: DEFAULT_USER_POOL_ID,
            kms,
          });
    console.log(
      `▶ ${trigger}${secret === undefined ? ' (no code)' : ` (code ${secret}, ${ciphertext?.length} bytes of base64 ciphertext)`}`,
    );
    written.length = 0;
    provider?.emulator.reset();
    // Some emulators forget their callbacks at reset, others keep them: count from here.
    const receiptsBefore = (await provider?.receipts?.())?.length ?? 0;
    try {
      const receipt = await handler(cognitoEvent(trigger, { code: ciphertext, phoneNumber: values.phone, userName: 'demo-user' }), {
        awsRequestId: `demo-${trigger}`,
        getRemainingTimeInMillis: () => 10_000,
      });
      let delivered: boolean;
      if (provider) {
        const [request] = provider.emulator.requests;
        const got = request ? provider.received(request) : undefined;
        console.log(
          `  → ${process.env.SMS_PROVIDER} emulator got ${request?.method} ${request?.path}: to ${got?.to}, text ${JSON.stringify(got?.text)}`,
        );
        delivered = got?.text !== undefined && (secret === undefined || got.text.includes(secret));
      } else {
        delivered = written.some((line) => secret === undefined || line.includes(JSON.stringify(secret).slice(1, -1)));
      }
      console.log(`  ${delivered ? '✔' : '✘'} delivered by ${receipt.provider} as ${receipt.messageId}${receiptsUrl ? '' : '\n'}`);
      if (!delivered) failures++;
      if (receiptsUrl && provider && !(await showReceipts(provider, receiptsUrl.url, receiptsBefore))) failures++;
    } catch (error) {
      failures++;
      console.log(`  ✘ ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    }
  }
} finally {
  await kms.close();
  await provider?.emulator.close();
  await receiptsUrl?.close();
  await stateStore?.close();
}
console.log(
  `${triggers.length - failures} of ${triggers.length} messages delivered; KMS answered ${kms.calls.filter((c) => c.operation === 'Decrypt').length} Decrypt calls.`,
);
process.exit(failures === 0 ? 0 : 1);

/**
 * Waits for the emulator's status callbacks to the receipts function and shows each with the
 * answer it got; true when every one was accepted (the metric lines print as the function writes them).
 */
async function showReceipts(provider: EmulatedProvider, base: string, before: number): Promise<boolean> {
  // Show the callbacks of this message only: those after the `before` the emulator held at its send.
  const callbacks = ((await provider.receipts?.()) ?? []).slice(before);
  for (const callback of callbacks) {
    const signature = Object.keys(callback.headers).find((name) => name.includes('signature'));
    const status = provider.receiptStatus?.(callback);
    console.log(
      `  ← status callback ${callback.method} ${callback.url.slice(base.length).split('?')[0]}${status ? ` "${status}"` : ''}${signature ? `, signed ${signature}` : ''}: receipts function answered ${callback.status}`,
    );
  }
  const accepted = callbacks.length > 0 && callbacks.every((callback) => callback.status === 200);
  console.log(`  ${accepted ? '✔' : '✘'} ${callbacks.length} receipt(s) verified and counted\n`);
  return accepted;
}

function selectTriggers(name: string | undefined): TriggerSource[] {
  if (!name || name === 'all') return [...TRIGGER_SOURCES];
  const full = name.startsWith('CustomSMSSender_') ? name : `CustomSMSSender_${name}`;
  const match = TRIGGER_SOURCES.find((t) => t.toLowerCase() === full.toLowerCase());
  if (!match) {
    console.error(`Unknown trigger "${name}". Known: ${TRIGGER_SOURCES.map((t) => t.replace('CustomSMSSender_', '')).join(', ')}`);
    process.exit(2);
  }
  return [match];
}

function selectEmulatedProvider(id: string) {
  const start = EMULATED_PROVIDERS[id];
  if (!start) {
    console.error(`No emulator for provider "${id}". Known: console, ${Object.keys(EMULATED_PROVIDERS).join(', ')}`);
    process.exit(2);
  }
  return start;
}

function defaultSecret(trigger: TriggerSource): string {
  // A temporary password shows the HTML escaping round trip; the rest are 6-digit codes.
  return trigger === 'CustomSMSSender_AdminCreateUser' ? 'Tmp<9&"Pw' : String(randomInt(0, 1_000_000)).padStart(6, '0');
}
