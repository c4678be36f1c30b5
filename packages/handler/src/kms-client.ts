import { createKmsDecryptClient, type KmsDecryptClient } from '@cognito-sms/core';

// Opening a connection gets 1 s; an answer may take until the invocation's remaining time runs
// out (core passes that signal), then the invocation fails as retryable. The SDK client's
// `requestTimeout` is set for its warning only: in @smithy/node-http-handler 4 it logs instead of
// aborting unless `throwOnRequestTimeout` is set, and a 3 s abort would retry, and so repeat,
// Decrypt calls that an overloaded KMS is still answering.
const CONNECTION_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
/** Regions of the `aws` and `aws-us-gov` partitions (`amazonaws.com`) and of `aws-cn` (`.com.cn`). */
const STANDARD_REGION = /^(?:[a-z]{2}(?:-gov)?-[a-z]+-\d+|cn-[a-z]+-\d+)$/;

/**
 * The KMS client for a key's region. On Lambda (the role's credentials in the environment, a
 * standard partition) it is core's `Decrypt`-only client, which costs a cold start ≈ 30 KB of
 * code instead of the ≈ 300 KB of `@aws-sdk/client-kms`. Anything else — no credentials in the
 * environment (a profile, SSO, container credentials), FIPS or dual-stack endpoints, an ISO
 * partition — gets the SDK's `KMSClient`, imported at the first decrypt, which resolves all of
 * those. Both honour `AWS_ENDPOINT_URL_KMS` / `AWS_ENDPOINT_URL`.
 */
export function kmsClientFor(env: NodeJS.ProcessEnv = process.env): (region: string) => KmsDecryptClient {
  return (region) => {
    const endpoint = configuredEndpoint(env);
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    const special =
      endpoint === undefined &&
      (env.AWS_USE_FIPS_ENDPOINT === 'true' || env.AWS_USE_DUALSTACK_ENDPOINT === 'true' || !STANDARD_REGION.test(region));
    if (!accessKeyId || !secretAccessKey || special) return sdkKmsClient(region);
    return createKmsDecryptClient({
      region,
      endpoint,
      credentials: { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined },
      connectionTimeoutMs: CONNECTION_TIMEOUT_MS,
    });
  };
}

/** The SDK's order: the service's variable, then the global one, unless both are to be ignored. */
function configuredEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_KMS || env.AWS_ENDPOINT_URL || undefined;
}

// Called by the keyring at a region's first decrypt, so the import happens then, not at cold start.
function sdkKmsClient(region: string): KmsDecryptClient {
  const loaded = import('@aws-sdk/client-kms').then(({ KMSClient, DecryptCommand }) => ({
    kms: new KMSClient({ region, requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS } }),
    DecryptCommand,
  }));
  return {
    async decrypt(input, options) {
      const { kms, DecryptCommand } = await loaded;
      return kms.send(new DecryptCommand({ ...input, GrantTokens: input.GrantTokens && [...input.GrantTokens] }), options);
    },
  };
}
