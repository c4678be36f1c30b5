import { isCognitoSmsError, isDecryptError } from '@cognito-sms/core';
import {
  cognitoEvent,
  encryptCommitting,
  encryptWithDataKeys,
  flipBit,
  type MessagePart,
  type MessageRegion,
  messageRegions,
  regionAt,
  tamperBase64,
} from '@cognito-sms/testkit';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CustomSmsSenderHandler, createHandler } from '../../src/create-handler.js';
import {
  AWS_SECRET_ACCESS_KEY,
  CanaryScanner,
  fcParameters,
  RECORDER_PROVIDER,
  recordedSms,
  reportFigures,
  STRESS,
  size,
  thrownBy,
  useLoopbackKms,
  useOutputSink,
} from './support.js';

// Property: every altered Cognito ciphertext (any bit of the header, the data key, an IV, the
// body or the signature; truncated; with bytes appended; from another pool; with two data
// keys) is a DecryptError and nothing is sent; a committing v2 message still decrypts.

const CODE = 'CnryTamper4711Q';
const OTHER_CODE = 'CnryOtherPool0815Q';
const PHONE = '+447700900411';
const POOL = 'eu-west-1_TestPool1';
const OTHER_POOL = 'eu-west-1_TestPool2'; // same length as POOL, so its bytes can be swapped in
const context = { awsRequestId: 'tamper', getRemainingTimeInMillis: () => 10_000 };
const TIMEOUT = size({ quick: 60_000, stress: 900_000 });
/** Bit flips per run: every bit of the message under STRESS, a sample stratified by region otherwise. */
const SAMPLED_FLIPS_PER_REGION = 12;
const SAMPLED_TRUNCATIONS = 80;

const scanner = new CanaryScanner()
  .add('code', CODE)
  .add('other pool code', OTHER_CODE)
  .add('phone', PHONE)
  .add('AWS secret key', AWS_SECRET_ACCESS_KEY);
const kms = useLoopbackKms();
useOutputSink(scanner, { keep: false });

let handler: CustomSmsSenderHandler;
let ciphertext: string;
let message: Buffer;
let regions: MessageRegion[];

const figures = {
  cases: 0,
  bitFlips: 0,
  bitsInMessage: 0,
  truncations: 0,
  appended: 0,
  other: 0,
  byPart: {} as Record<string, number>,
  byDecryptErrorCode: {} as Record<string, number>,
  delivered: 0,
};

beforeAll(async () => {
  ciphertext = await kms.encrypt(CODE, { userPoolId: POOL });
  scanner.add('ciphertext', ciphertext.slice(40, 120));
  message = Buffer.from(ciphertext, 'base64');
  regions = messageRegions(message);
  figures.bitsInMessage = message.length * 8;
  handler = await createHandler({ KMS_KEY_ARN: kms.keyArn, SMS_GUARD: 'off', SMS_PROVIDER: RECORDER_PROVIDER });
}, 60_000);
afterAll(() => {
  reportFigures('tamper', {
    ...figures,
    messageBytes: message?.length,
    regions: regions?.length,
    chunksScanned: scanner.scannedChunks,
    errorsScanned: scanner.scannedErrors,
    leaks: scanner.leaks.length,
  });
});

/** Invokes the handler with `code` and asserts: a DecryptError, nothing sent, no canary printed. */
async function expectRefused(code: string, what: { part?: MessagePart | 'truncation' | 'append' | 'other'; label: string }, on = handler) {
  const recorded = recordedSms();
  recorded.length = 0;
  const error = await thrownBy(on(cognitoEvent('CustomSMSSender_SignUp', { code, phoneNumber: PHONE, userPoolId: POOL }), context));
  figures.cases += 1;
  if (what.part) figures.byPart[what.part] = (figures.byPart[what.part] ?? 0) + 1;
  if (error === undefined) figures.delivered += 1;
  else scanner.scanError(error);
  expect(isCognitoSmsError(error), `${what.label}: ${error === undefined ? 'delivered' : String(error)}`).toBe(true);
  expect(isDecryptError(error), `${what.label}: ${String(error)}`).toBe(true);
  if (isDecryptError(error)) figures.byDecryptErrorCode[error.code] = (figures.byDecryptErrorCode[error.code] ?? 0) + 1;
  expect(recorded, what.label).toEqual([]);
  expect(scanner.leaks).toEqual([]);
  kms.kms.calls.length = 0;
  return error;
}

describe('Reliability: tampered ciphertext', () => {
  it('maps every byte of a Cognito message to a region: header, data key, IVs, header auth, body and signature', () => {
    // Assess: contiguous, complete, and every part present.
    let offset = 0;
    for (const region of regions) {
      expect(region.start).toBe(offset);
      offset = region.end;
    }
    expect(offset).toBe(message.length);
    expect(new Set(regions.map((r) => r.part))).toEqual(new Set(['header', 'dataKey', 'iv', 'headerAuth', 'body', 'signature']));
    expect(regions.find((r) => r.name === 'dataKey[0].providerInfo')).toBeDefined();
    expect(
      message
        .subarray(
          regions.find((r) => r.name === 'dataKey[0].providerInfo')?.start,
          regions.find((r) => r.name === 'dataKey[0].providerInfo')?.end,
        )
        .toString(),
    ).toBe(kms.keyArn);
  });

  it('delivers the untampered message (the control)', async () => {
    const recorded = recordedSms();
    recorded.length = 0;
    await handler(cognitoEvent('CustomSMSSender_SignUp', { code: ciphertext, phoneNumber: PHONE, userPoolId: POOL }), context);
    expect(recorded).toEqual([expect.objectContaining({ to: PHONE, body: `Your verification code is ${CODE}` })]);
  });

  it(
    STRESS
      ? 'refuses every single-bit flip of the message'
      : `refuses ${SAMPLED_FLIPS_PER_REGION} random bit flips in each region of the message`,
    async () => {
      if (STRESS) {
        for (let bit = 0; bit < message.length * 8; bit++) {
          const region = regionAt(regions, Math.floor(bit / 8));
          figures.bitFlips += 1;
          await expectRefused(
            tamperBase64(ciphertext, (bytes) => flipBit(bytes, bit)),
            { part: region?.part, label: `bit ${bit} (${region?.name})` },
          );
        }
      } else {
        for (const region of regions) {
          await fc.assert(
            fc.asyncProperty(fc.integer({ min: region.start * 8, max: region.end * 8 - 1 }), async (bit) => {
              figures.bitFlips += 1;
              await expectRefused(
                tamperBase64(ciphertext, (bytes) => flipBit(bytes, bit)),
                { part: region.part, label: `bit ${bit} (${region.name})` },
              );
            }),
            fcParameters(Math.min(SAMPLED_FLIPS_PER_REGION, (region.end - region.start) * 8)),
          );
        }
      }
      expect(figures.bitFlips).toBeGreaterThan(regions.length);
    },
    TIMEOUT,
  );

  it(
    STRESS ? 'refuses the message truncated at every length' : `refuses the message truncated at ${SAMPLED_TRUNCATIONS} random lengths`,
    async () => {
      const lengths = STRESS
        ? Array.from({ length: message.length - 1 }, (_, i) => i + 1)
        : fc.sample(fc.integer({ min: 1, max: message.length - 1 }), { numRuns: SAMPLED_TRUNCATIONS });
      for (const length of lengths) {
        figures.truncations += 1;
        await expectRefused(
          tamperBase64(ciphertext, (bytes) => bytes.subarray(0, length)),
          { part: 'truncation', label: `truncated to ${length} bytes` },
        );
      }
    },
    TIMEOUT,
  );

  it('refuses the message with bytes appended after the signature', async () => {
    const second = Buffer.from(await kms.encrypt(CODE, { userPoolId: POOL }), 'base64');
    const finalFrame = regions.filter((r) => r.name.startsWith('frame[0]'));
    const frameBytes = message.subarray(finalFrame[0]?.start, finalFrame[finalFrame.length - 1]?.end);
    const tails: [string, Buffer][] = [
      ['one zero byte', Buffer.alloc(1)],
      ['one 0xff byte', Buffer.from([0xff])],
      ['16 random bytes', Buffer.from('00112233445566778899aabbccddeeff', 'hex')],
      ['a copy of the final frame', Buffer.from(frameBytes)],
      ['a whole second message', second],
    ];
    for (const [label, tail] of tails) {
      figures.appended += 1;
      await expectRefused(
        tamperBase64(ciphertext, (bytes) => Buffer.concat([bytes, tail])),
        { part: 'append', label: `appended ${label}` },
      );
    }
  });

  it("refuses another pool's message, with its own header or with this pool's id forged into it", async () => {
    const other = await kms.encrypt(OTHER_CODE, { userPoolId: OTHER_POOL });
    figures.other += 2;
    expect(await expectRefused(other, { part: 'other', label: "another pool's message" })).toMatchObject({ code: 'UserPoolMismatch' });
    // The unauthenticated header now names this pool; KMS and the header auth tag still bind the real one.
    const forged = tamperBase64(other, (bytes) => {
      const copy = Buffer.from(bytes);
      const at = copy.indexOf(OTHER_POOL);
      copy.write(POOL, at);
      return copy;
    });
    expect(forged).not.toBe(other);
    expect(await expectRefused(forged, { part: 'other', label: 'pool id forged into the header' })).toMatchObject({
      code: 'InvalidCiphertext',
    });
  });

  it('refuses a message spliced from the header of one message and the body of another', async () => {
    const second = Buffer.from(await kms.encrypt(CODE, { userPoolId: POOL }), 'base64');
    const secondRegions = messageRegions(second);
    const bodyStart = (list: MessageRegion[]) => list.find((r) => r.name === 'frame[0].sequenceNumber')?.start ?? 0;
    const spliced = Buffer.concat([message.subarray(0, bodyStart(regions)), second.subarray(bodyStart(secondRegions))]);
    figures.other += 1;
    await expectRefused(spliced.toString('base64'), { part: 'other', label: 'header of one message, body of another' });
  });

  it('refuses a message under another key, and a message with two data keys even when both keys are configured', async () => {
    const secondKey = kms.kms.createKey();
    figures.other += 3;
    const underOtherKey = await kms.encrypt(CODE, { userPoolId: POOL, keyArn: secondKey });
    expect(await expectRefused(underOtherKey, { part: 'other', label: 'another key' })).toMatchObject({ code: 'KeyMismatch' });
    const twoKeys = await encryptWithDataKeys({ plaintext: CODE, keyArns: [kms.keyArn, secondKey], userPoolId: POOL, kms: kms.kms });
    expect(messageRegions(Buffer.from(twoKeys, 'base64')).some((r) => r.name === 'dataKey[1].ciphertext')).toBe(true);
    expect(await expectRefused(twoKeys, { part: 'other', label: 'two data keys' })).toMatchObject({ code: 'TooManyDataKeys' });
    const bothConfigured = await createHandler({
      KMS_KEY_ARN: `${kms.keyArn},${secondKey}`,
      SMS_GUARD: 'off',
      SMS_PROVIDER: RECORDER_PROVIDER,
    });
    expect(await expectRefused(twoKeys, { part: 'other', label: 'two data keys, both configured' }, bothConfigured)).toMatchObject({
      code: 'TooManyDataKeys',
    });
  });

  it('decrypts a key-committing v2 message (suite 0x0578) and delivers it once', async () => {
    // Prepare
    const committed = await encryptCommitting({ plaintext: CODE, keyArn: kms.keyArn, userPoolId: POOL, kms: kms.kms });
    const bytes = Buffer.from(committed, 'base64');
    expect(bytes[0]).toBe(2);
    expect(messageRegions(bytes).some((r) => r.name === 'header.suiteData')).toBe(true);
    const recorded = recordedSms();
    recorded.length = 0;
    // Act
    const receipt = await handler(
      cognitoEvent('CustomSMSSender_SignUp', { code: committed, phoneNumber: PHONE, userPoolId: POOL }),
      context,
    );
    // Assess
    expect(receipt.provider).toBe('recorder');
    expect(recorded).toEqual([expect.objectContaining({ to: PHONE, body: `Your verification code is ${CODE}` })]);
    // …and a flipped bit in its commitment key is refused like any other.
    const commitment = messageRegions(bytes).find((r) => r.name === 'header.suiteData') as MessageRegion;
    await expectRefused(
      tamperBase64(committed, (b) => flipBit(b, commitment.start * 8 + 5)),
      { part: 'header', label: 'v2 commitment key bit' },
    );
  });

  it('printed no canary (code, number, ciphertext, AWS secret) in any log line, metric or error', () => {
    expect(scanner.scannedErrors).toBeGreaterThan(0);
    expect(scanner.leaks).toEqual([]);
  });
});
