import { createHash, createHmac } from 'node:crypto';

/** AWS credentials as Lambda puts the function role's in its environment. */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** A request to sign: a POST to an AWS JSON endpoint, its headers lower-case. */
export interface SigV4Request {
  readonly method: string;
  /** Host and port as the `host` header carries them. */
  readonly host: string;
  /** An already-encoded path with no query, e.g. `/`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/** One signing key per day, region and service: deriving it is four HMACs, done once a day. */
const signingKeys = new Map<string, Buffer>();
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const id = `${date}/${region}/${service}/${createHash('sha256').update(secret).digest('base64')}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
    if (signingKeys.size >= 50) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/**
 * Signs a request with AWS Signature Version 4 (header form), for the one kind of request this
 * package makes: a POST with no query to an AWS JSON API. Every header given is signed, plus
 * `host`, `x-amz-date` and, with a session token, `x-amz-security-token`, as the AWS SDK's signer
 * (`@smithy/signature-v4`) signs such a request; test/sigv4.test.ts proves both give the same
 * `authorization` for arbitrary requests. Returns the headers to send.
 */
export function signSigV4(
  request: SigV4Request,
  options: { readonly region: string; readonly service: string; readonly credentials: AwsCredentials; readonly now?: Date },
): Record<string, string> {
  const amzDate = (options.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, host: request.host, 'x-amz-date': amzDate };
  if (options.credentials.sessionToken) headers['x-amz-security-token'] = options.credentials.sessionToken;
  const names = Object.keys(headers)
    .map((name) => name.toLowerCase())
    .sort();
  const canonicalHeaders = names.map((name) => `${name}:${String(headers[name]).trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const canonicalRequest = [request.method, request.path, '', canonicalHeaders, signedHeaders, sha256Hex(request.body)].join('\n');
  const scope = `${date}/${options.region}/${options.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(options.credentials.secretAccessKey, date, options.region, options.service))
    .update(stringToSign, 'utf8')
    .digest('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${options.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}
