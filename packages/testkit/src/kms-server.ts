import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the loopback KMS answered, for assertions such as "one Decrypt per invocation". */
export interface KmsCall {
  readonly operation: string;
  readonly keyId: string | undefined;
  readonly status: number;
  /** The request's `user-agent`: tells the AWS SDK (`aws-sdk-js/…`) from other clients. */
  readonly userAgent: string | undefined;
}

/** An error KMS would return, queued for the next call of an operation. */
export interface KmsFault {
  readonly operation: 'Decrypt' | 'GenerateDataKey' | 'Encrypt';
  readonly type: string;
  readonly status: number;
  readonly message?: string;
}

export interface LoopbackKms {
  /** `http://127.0.0.1:<port>`: set it as `AWS_ENDPOINT_URL_KMS`. */
  readonly endpoint: string;
  readonly region: string;
  /** ARNs of the keys the server holds, first the default one. */
  readonly keyArns: readonly string[];
  readonly calls: KmsCall[];
  /** TCP connections accepted since start. */
  readonly connections: () => number;
  /** Adds a symmetric key and returns its ARN. */
  createKey(): string;
  /** Makes the next call of `fault.operation` fail the way KMS fails. */
  injectFault(fault: KmsFault): void;
  close(): Promise<void>;
}

export interface LoopbackKmsOptions {
  readonly region?: string;
  readonly accountId?: string;
  /** How many keys to create at start. Default 1. */
  readonly keys?: number;
  readonly port?: number;
  /**
   * When given, every request's SigV4 signature is recomputed with the secret of its access key,
   * as KMS does: an access key not listed gets `UnrecognizedClientException`, a wrong signature (or one over a
   * different body, header or scope) `InvalidSignatureException`, a date more than 5 minutes off
   * `InvalidSignatureException` too. Without it only the header's presence is checked.
   */
  readonly credentials?: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[];
}

interface KmsKey {
  readonly arn: string;
  readonly keyId: string;
  readonly material: Buffer;
}

class KmsException extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const BLOB_MAGIC = Buffer.from('LKMS');

/**
 * A KMS on loopback that speaks KMS's JSON 1.1 protocol (`X-Amz-Target: TrentService.*`) for
 * `GenerateDataKey`, `Encrypt` and `Decrypt`, so the real AWS SDK and the real Encryption SDK
 * talk to it over HTTP. Ciphertext blobs are AES-256-GCM under a per-key secret with the
 * encryption context as additional data: a changed blob or context is refused with
 * `InvalidCiphertextException`, a blob of another key with `IncorrectKeyException`, as KMS
 * does. Requests must carry a SigV4 `Authorization` header for the `kms` service.
 *
 * @example
 * ```ts
 * const kms = await startLoopbackKms();
 * process.env.AWS_ENDPOINT_URL_KMS = kms.endpoint;
 * ```
 */
export async function startLoopbackKms(options: LoopbackKmsOptions = {}): Promise<LoopbackKms> {
  const region = options.region ?? 'eu-west-1';
  const accountId = options.accountId ?? '111122223333';
  const keys = new Map<string, KmsKey>();
  const calls: KmsCall[] = [];
  const faults: KmsFault[] = [];
  let connections = 0;

  const createKey = (): string => {
    const keyId = randomUUID();
    const arn = `arn:aws:kms:${region}:${accountId}:key/${keyId}`;
    keys.set(arn, { arn, keyId, material: randomBytes(32) });
    return arn;
  };
  for (let i = 0; i < (options.keys ?? 1); i++) createKey();

  const findKey = (keyId: unknown): KmsKey => {
    if (typeof keyId !== 'string' || keyId === '') throw new KmsException('ValidationException', 'KeyId is required');
    for (const key of keys.values()) if (key.arn === keyId || key.keyId === keyId) return key;
    throw new KmsException('NotFoundException', `Key '${keyId}' does not exist`);
  };

  const seal = (key: KmsKey, plaintext: Buffer, context: unknown): Buffer => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.material, iv);
    cipher.setAAD(canonicalContext(context));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arn = Buffer.from(key.arn);
    const arnLength = Buffer.alloc(2);
    arnLength.writeUInt16BE(arn.length);
    return Buffer.concat([BLOB_MAGIC, arnLength, arn, iv, cipher.getAuthTag(), body]);
  };

  const open = (blob: Buffer, context: unknown, requestedKeyId: unknown): { key: KmsKey; plaintext: Buffer } => {
    const invalid = () => new KmsException('InvalidCiphertextException', '');
    if (blob.length < 6 || !blob.subarray(0, 4).equals(BLOB_MAGIC)) throw invalid();
    const arnLength = blob.readUInt16BE(4);
    const arn = blob.subarray(6, 6 + arnLength).toString();
    const key = keys.get(arn);
    if (!key) throw invalid();
    if (requestedKeyId !== undefined && findKey(requestedKeyId) !== key) {
      throw new KmsException('IncorrectKeyException', 'The key ID in the request does not identify a CMK that can perform this operation.');
    }
    const rest = blob.subarray(6 + arnLength);
    if (rest.length < 28) throw invalid();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key.material, rest.subarray(0, 12));
      decipher.setAuthTag(rest.subarray(12, 28));
      decipher.setAAD(canonicalContext(context));
      return { key, plaintext: Buffer.concat([decipher.update(rest.subarray(28)), decipher.final()]) };
    } catch {
      throw invalid();
    }
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    GenerateDataKey(input) {
      const key = findKey(input.KeyId);
      const bytes = typeof input.NumberOfBytes === 'number' ? input.NumberOfBytes : input.KeySpec === 'AES_128' ? 16 : 32;
      if (bytes < 1 || bytes > 1024) throw new KmsException('ValidationException', 'NumberOfBytes must be 1 to 1024');
      const plaintext = randomBytes(bytes);
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: seal(key, plaintext, input.EncryptionContext).toString('base64'),
      };
    },
    Encrypt(input) {
      const key = findKey(input.KeyId);
      const plaintext = Buffer.from(String(input.Plaintext ?? ''), 'base64');
      return {
        KeyId: key.arn,
        CiphertextBlob: seal(key, plaintext, input.EncryptionContext).toString('base64'),
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      };
    },
    Decrypt(input) {
      const blob = Buffer.from(String(input.CiphertextBlob ?? ''), 'base64');
      const { key, plaintext } = open(blob, input.EncryptionContext, input.KeyId);
      return { KeyId: key.arn, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
    },
  };

  const respond = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const payload = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID(),
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(payload);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : target;
    let input: Record<string, unknown> = {};
    try {
      const authorization = String(req.headers.authorization ?? '');
      if (!authorization.startsWith('AWS4-HMAC-SHA256') || !authorization.includes('/kms/aws4_request')) {
        throw new KmsException('MissingAuthenticationTokenException', 'Request is missing a SigV4 signature for kms');
      }
      if (options.credentials) verifySignature(req, Buffer.concat(chunks), authorization, region, options.credentials);
      if (req.method !== 'POST') throw new KmsException('UnknownOperationException', 'KMS takes POST only');
      input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const run = operations[operation];
      if (!run) throw new KmsException('UnknownOperationException', `Unsupported operation ${target}`);
      const faultIndex = faults.findIndex((f) => f.operation === operation);
      if (faultIndex >= 0) {
        const [fault] = faults.splice(faultIndex, 1);
        if (fault) throw new KmsException(fault.type, fault.message ?? fault.type, fault.status);
      }
      const output = run(input);
      calls.push({ operation, keyId: input.KeyId as string | undefined, status: 200, userAgent: req.headers['user-agent'] });
      respond(res, 200, output);
    } catch (error) {
      const failure =
        error instanceof KmsException
          ? error
          : new KmsException('SerializationException', error instanceof Error ? error.message : 'bad request');
      calls.push({ operation, keyId: input.KeyId as string | undefined, status: failure.status, userAgent: req.headers['user-agent'] });
      respond(res, failure.status, { __type: failure.type, message: failure.message }, failure.type);
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    get keyArns() {
      return [...keys.keys()];
    },
    calls,
    connections: () => connections,
    createKey,
    injectFault: (fault) => faults.push(fault),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** KMS binds the context as a map: the order of its entries does not matter. */
function canonicalContext(context: unknown): Buffer {
  const entries = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? Buffer.alloc(0) : Buffer.from(JSON.stringify(entries));
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * SigV4 as AWS documents it ("Create a signed AWS API request"), written here independently of
 * the SDK's signer so that a client's signature is checked by a second implementation.
 */
function verifySignature(
  req: IncomingMessage,
  body: Buffer,
  authorization: string,
  region: string,
  known: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[],
): void {
  const fields = Object.fromEntries(
    authorization
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((part) => part.trim().split('=') as [string, string]),
  );
  const [accessKeyId, date, scopeRegion, service, terminator] = String(fields.Credential ?? '').split('/');
  const credentials = known.find((candidate) => candidate.accessKeyId === accessKeyId);
  if (!credentials) {
    throw new KmsException('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const amzDate = String(req.headers['x-amz-date'] ?? '');
  const signedHeaders = String(fields.SignedHeaders ?? '').split(';');
  const invalid = (why: string) => new KmsException('InvalidSignatureException', why);
  if (scopeRegion !== region || service !== 'kms' || terminator !== 'aws4_request' || !amzDate.startsWith(String(date))) {
    throw invalid('Credential should be scoped to a valid region, service and date.');
  }
  if (!signedHeaders.includes('host') || !signedHeaders.includes('x-amz-date')) throw invalid('host and x-amz-date must be signed.');
  const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!Number.isFinite(at) || Math.abs(Date.now() - at) > 5 * 60_000) throw invalid('Signature expired or not yet valid.');
  const canonicalHeaders = signedHeaders
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? '')
          .trim()
          .replace(/\s+/g, ' ')}\n`,
    )
    .join('');
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  const canonicalRequest = [req.method, path, query, canonicalHeaders, signedHeaders.join(';'), sha256Hex(body)].join('\n');
  const scope = `${date}/${region}/kms/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, String(date)), region), 'kms'), 'aws4_request');
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(String(fields.Signature ?? ''), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw invalid('The request signature we calculated does not match the signature you provided.');
  }
}
