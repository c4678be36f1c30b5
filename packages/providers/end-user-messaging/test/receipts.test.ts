import { type AwsEventReader, isAwsEventReader, isReceiptRejectedError } from '@cognito-sms/core/receipts';
import { endUserMessagingEvents } from '@cognito-sms/testkit/emulators/end-user-messaging';
import { describe, expect, it } from 'vitest';
import endUserMessagingReceipts, { END_USER_MESSAGING_EVENTS, readEndUserMessagingEvent } from '../src/receipts.js';

const PHONE = '+14255550156';

/** The format page's SMS example, with fields replaced or removed (undefined). */
function event(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    eventType: 'TEXT_SUCCESSFUL',
    eventVersion: '1.0',
    eventTimestamp: 1686975103470,
    isFinal: true,
    originationPhoneNumber: '+12065550152',
    destinationPhoneNumber: PHONE,
    isInternationalSend: false,
    isoCountryCode: 'US',
    mcc: '310',
    mnc: '800',
    messageId: '862a8790-60c0-4430-9b2b-658bdexample',
    messageRequestTimestamp: 1686975103170,
    messageEncoding: 'GSM',
    messageType: 'PROMOTIONAL',
    messageStatus: 'SUCCESSFUL',
    messageStatusDescription: 'Message has been accepted by phone carrier',
    context: { account: 'bar' },
    totalMessageParts: 1,
    totalMessagePrice: 0.09582,
    totalCarrierFee: 0.0,
    ...fields,
  });
}

async function reader(): Promise<AwsEventReader> {
  const created = await endUserMessagingReceipts.create(endUserMessagingReceipts.config.parse({}), { logger: console });
  if (!isAwsEventReader(created)) throw new Error('end-user-messaging receipts must read AWS events');
  return created;
}

describe('Receipts: end-user-messaging (event destination through SNS)', () => {
  it('reads the format page’s example: delivered, final, its time and country', async () => {
    // Prepare
    const eum = await reader();
    // Act
    const receipts = eum.readEvent({ source: 'sns', message: event(), origin: 'arn:aws:sns:us-east-1:123456789012:t', receivedAt: 0 });
    // Assess
    expect(eum).toMatchObject({ id: 'end-user-messaging', source: 'sns' });
    expect(receipts).toEqual([
      {
        provider: 'end-user-messaging',
        messageId: '862a8790-60c0-4430-9b2b-658bdexample',
        state: 'delivered',
        final: true,
        providerStatus: 'TEXT_SUCCESSFUL',
        providerCode: 'Message has been accepted by phone carrier',
        at: 1686975103470,
        country: 'US',
      },
    ]);
  });

  it('maps every SMS event type of the API’s EventType enum (but TEXT_ALL, a filter)', () => {
    expect(END_USER_MESSAGING_EVENTS).toEqual({
      TEXT_QUEUED: { state: 'unknown', final: false },
      TEXT_PENDING: { state: 'unknown', final: false },
      TEXT_SENT: { state: 'unknown', final: false },
      TEXT_SUCCESSFUL: { state: 'delivered', final: true },
      TEXT_DELIVERED: { state: 'delivered', final: true },
      TEXT_INVALID: { state: 'failed', final: true },
      TEXT_INVALID_MESSAGE: { state: 'failed', final: true },
      TEXT_PROTECT_BLOCKED: { state: 'failed', final: true },
      TEXT_UNREACHABLE: { state: 'undelivered', final: true },
      TEXT_CARRIER_UNREACHABLE: { state: 'undelivered', final: true },
      TEXT_BLOCKED: { state: 'undelivered', final: true },
      TEXT_CARRIER_BLOCKED: { state: 'undelivered', final: true },
      TEXT_SPAM: { state: 'undelivered', final: true },
      TEXT_TTL_EXPIRED: { state: 'expired', final: true },
      TEXT_UNKNOWN: { state: 'unknown', final: true },
    });
  });

  it.each(Object.entries(END_USER_MESSAGING_EVENTS))('maps %s to %o when the event has no isFinal', (eventType, { state, final }) => {
    const receipt = readEndUserMessagingEvent({ message: event({ eventType, isFinal: undefined }) });
    expect(receipt).toMatchObject({ state, final, providerStatus: eventType });
  });

  it('takes isFinal from the event: a TEXT_SUCCESSFUL that a TEXT_DELIVERED will follow is intermediate', () => {
    expect(readEndUserMessagingEvent({ message: event({ isFinal: false }) })).toMatchObject({ state: 'delivered', final: false });
  });

  it('reads an SMS event type it does not know as unknown and intermediate, unless AWS says it is final', () => {
    expect(readEndUserMessagingEvent({ message: event({ eventType: 'TEXT_NEW_THING', isFinal: undefined }) })).toMatchObject({
      state: 'unknown',
      final: false,
    });
    expect(readEndUserMessagingEvent({ message: event({ eventType: 'TEXT_NEW_THING', isFinal: true }) })).toMatchObject({
      state: 'unknown',
      final: true,
    });
  });

  it('leaves out a country that is not ISO alpha-2 and a time that is not a number', () => {
    const receipt = readEndUserMessagingEvent({ message: event({ isoCountryCode: 'United States', eventTimestamp: '1686975103470' }) });
    expect(receipt).not.toHaveProperty('country');
    expect(receipt).not.toHaveProperty('at');
  });

  it('keeps the destination out of the receipt, even when the description echoes it', () => {
    const receipt = readEndUserMessagingEvent({ message: event({ messageStatusDescription: `Number ${PHONE} is invalid` }) });
    expect(JSON.stringify(receipt)).not.toContain(PHONE.slice(1));
    expect(receipt.providerCode).toBe('Number [redacted] is invalid');
  });

  it('reads the emulator’s events the same way (written from the same pages)', () => {
    const [pending, final] = endUserMessagingEvents(
      { messageId: 'm-1', destinationPhoneNumber: PHONE, isoCountryCode: 'US', messageRequestTimestamp: 1000 },
      'expired',
    );
    expect(readEndUserMessagingEvent({ message: JSON.stringify(pending) })).toMatchObject({ state: 'unknown', final: false });
    expect(readEndUserMessagingEvent({ message: JSON.stringify(final) })).toMatchObject({ state: 'expired', final: true, at: 2500 });
  });

  it.each([
    ['not JSON', 'hello', 'the notification message is not JSON'],
    ['a voice event', event({ eventType: 'VOICE_COMPLETED' }), 'not an SMS event (eventType TEXT_*)'],
    ['an MMS event', event({ eventType: 'MEDIA_DELIVERED' }), 'not an SMS event (eventType TEXT_*)'],
    ['no eventType', event({ eventType: undefined }), 'not an SMS event (eventType TEXT_*)'],
    ['a JSON array', '[]', 'not an SMS event (eventType TEXT_*)'],
    ['no messageId', event({ messageId: undefined }), 'no messageId'],
    ['an empty messageId', event({ messageId: '' }), 'no messageId'],
  ])('refuses %s as Malformed, without quoting the event', (_name, message, reason) => {
    let error: unknown;
    try {
      readEndUserMessagingEvent({ message });
    } catch (thrown) {
      error = thrown;
    }
    expect(isReceiptRejectedError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'Malformed', status: 400, message: reason });
  });
});
