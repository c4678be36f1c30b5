// MessageBird's SMS status reports: a GET to the message's `reportUrl` per status change, the
// report in the query string (id, reference, recipient, status, statusReason, statusErrorCode,
// statusDatetime, …; developers.messagebird.com/api/sms-messaging/#handle-a-status-report).
// Every request MessageBird sends carries `MessageBird-Signature-JWT`: a JWT signed (HS256, or
// HS384/HS512) with the account's signing key, whose claims are `iss` "MessageBird", `nbf` and
// `exp` (a short validity: the replay window), `jti`, `url_hash` (SHA-256 of the full URL, hex)
// and `payload_hash` (SHA-256 of the body, present when there is one)
// (developers.messagebird.com/api/#verifying-http-requests; the SDKs' webhook-signature-jwt).
//
// Verified with node:crypto rather than the messagebird SDK's verifier (it needs `jose`, and
// this adapter does not use the SDK, see messagebird.ts) or jsonwebtoken (60 KB, ~30 ms of the
// receipts function's cold start for one HMAC and five claims); the tests run the 44 reference
// vectors MessageBird ships with its SDKs (lib/testdata/webhook-signature-jwt-reference.json).

import { createHash, createHmac } from 'node:crypto';
import { secretString } from '@cognito-sms/core/provider';
import {
  type DeliveryReceipt,
  defineReceipts,
  malformed,
  type ProviderStatuses,
  parseReceiptTime,
  ReceiptRejectedError,
  type ReceiptRequest,
  receiptParams,
  requireHeader,
  safeEqual,
} from '@cognito-sms/core/receipts';
import * as z from '@cognito-sms/core/zod';

/**
 * `status` of a report → the vocabulary (the SMS API's recipient statuses). `scheduled`, `sent`
 * and `buffered` come before the carrier's answer.
 */
export const MESSAGEBIRD_STATUSES: ProviderStatuses = {
  scheduled: { state: 'unknown', final: false },
  sent: { state: 'unknown', final: false },
  buffered: { state: 'unknown', final: false },
  delivered: { state: 'delivered', final: true },
  expired: { state: 'expired', final: true },
  delivery_failed: { state: 'undelivered', final: true },
};

/** The algorithms MessageBird signs with (its SDKs accept these three, nothing else). */
const ALGORITHMS: Readonly<Record<string, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/** Clock skew allowed on `nbf` and `exp`, as the SDKs allow (5 s). */
const CLOCK_TOLERANCE_MS = 5_000;

/** Reads `MESSAGEBIRD_SIGNING_KEY`: the account's signing key (not the access key). */
export const messageBirdReceiptsConfig = z.object({ signingKey: secretString() });

/** The claims of a MessageBird signature this check reads. */
interface SignatureClaims {
  readonly iss?: unknown;
  readonly nbf?: unknown;
  readonly exp?: unknown;
  readonly jti?: unknown;
  readonly url_hash?: unknown;
  readonly payload_hash?: unknown;
}

/**
 * Checks a `MessageBird-Signature-JWT` for the request's URL and body, at its arrival time.
 *
 * @throws {ReceiptRejectedError} `BadSignature` (signature, issuer, hashes) or `Replayed` (outside `nbf`…`exp`).
 * @example `verifyMessageBirdSignature(jwt, request, signingKey)`
 */
export function verifyMessageBirdSignature(
  jwt: string,
  request: Pick<ReceiptRequest, 'url' | 'body' | 'receivedAt'>,
  signingKey: string,
): void {
  const bad = (why: string) => new ReceiptRejectedError('BadSignature', `MessageBird-Signature-JWT ${why}`);
  const parts = jwt.split('.');
  if (parts.length !== 3) throw bad('is not a JWT');
  const [header, payload, signature] = parts as [string, string, string];
  const alg = (decodePart(header) as { alg?: unknown } | undefined)?.alg;
  const hash = typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
  if (hash === undefined) throw bad('is not signed with HS256, HS384 or HS512');
  const expected = createHmac(hash, signingKey).update(`${header}.${payload}`).digest('base64url');
  if (!safeEqual(signature, expected)) throw bad('is not signed with the signing key');
  const claims = decodePart(payload) as SignatureClaims | undefined;
  if (claims === undefined) throw bad('has unreadable claims');
  if (claims.iss !== 'MessageBird') throw bad('is not issued by MessageBird');
  if (typeof claims.jti !== 'string' || claims.jti === '') throw bad('has no jti claim');
  if (typeof claims.exp !== 'number') throw bad('has no exp claim');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf * 1000 > request.receivedAt + CLOCK_TOLERANCE_MS)) {
    throw new ReceiptRejectedError('Replayed', 'MessageBird-Signature-JWT is not valid yet (nbf)');
  }
  if (claims.exp * 1000 <= request.receivedAt - CLOCK_TOLERANCE_MS) {
    throw new ReceiptRejectedError('Replayed', 'MessageBird-Signature-JWT has expired (exp)');
  }
  if (typeof claims.url_hash !== 'string' || !safeEqual(claims.url_hash.toLowerCase(), sha256(request.url))) {
    throw bad('was issued for another URL');
  }
  if (claims.payload_hash === undefined) {
    if (request.body !== '') throw bad('covers no body, but the request has one');
  } else if (typeof claims.payload_hash !== 'string' || !safeEqual(claims.payload_hash.toLowerCase(), sha256(request.body))) {
    throw bad('was issued for another body');
  }
}

/**
 * MessageBird's status reports: `GET /messagebird` on the receipts function URL. MessageBird
 * sends them only for messages with a `reference`, which the adapter sets with `reportUrl`.
 *
 * @example `SMS_PROVIDER=messagebird MESSAGEBIRD_SIGNING_KEY=… (the sender's variables)`
 */
const messageBirdReceipts = defineReceipts<z.output<typeof messageBirdReceiptsConfig>>({
  id: 'messagebird',
  config: messageBirdReceiptsConfig,
  create: ({ signingKey }) => ({
    id: 'messagebird',
    methods: ['GET'],
    verify(request) {
      verifyMessageBirdSignature(requireHeader(request, 'messagebird-signature-jwt'), request, signingKey.reveal());
    },
    parse(request) {
      const params = receiptParams(request);
      const messageId = params.get('id');
      const status = params.get('status');
      if (!messageId) throw malformed('no id');
      if (!status) throw malformed('no status');
      const known = MESSAGEBIRD_STATUSES[status];
      const state = known?.state ?? 'unknown';
      // The extended code when there is one, else the reason (`unknown subscriber`), for failures only.
      const code = state === 'delivered' ? undefined : params.get('statusErrorCode') || params.get('statusReason') || undefined;
      const at = parseReceiptTime(params.get('statusDatetime') ?? undefined);
      const receipt: DeliveryReceipt = {
        provider: 'messagebird',
        messageId,
        state,
        // A status this table does not know is logged as intermediate rather than guessed final.
        final: known?.final ?? false,
        providerStatus: status,
        ...(code === undefined ? {} : { providerCode: code.slice(0, 64) }),
        ...(at === undefined ? {} : { at }),
      };
      return [receipt];
    },
  }),
});

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A JWT part's JSON, or undefined when it is not base64url of a JSON object. */
function decodePart(part: string): object | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null ? value : undefined;
  } catch {
    return undefined;
  }
}

export default messageBirdReceipts;
