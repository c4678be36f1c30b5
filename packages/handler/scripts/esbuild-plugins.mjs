// esbuild plugins shared by the handler's builds (build.mjs for dist/, scripts/bundle.mjs for
// the Lambda zips).

/**
 * The Encryption SDK's `pem_helpers` turns raw EC points into PEM with asn1.js, for Node.js
 * versions before 11 (its own comment: "As Node.js v6, v8, and v10 reach end of life, this code
 * can be deleted"). Decryption never calls it: core's NativeVerificationKeyCmm hands the SDK a
 * KeyObject, and the encrypting SignatureKey is not used. Its import alone loads asn1.js and a
 * second bn.js (≈ 70 KB, defined at module load) at every cold start, so the bundles get a
 * module with the same exports that throws if it is ever called.
 */
export const withoutLegacyPemHelpers = {
  name: 'without-legacy-pem-helpers',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-crypto[\\/]material-management[\\/]build[\\/]module[\\/]src[\\/]pem_helpers\.js$/ }, () => ({
      contents: [
        "const unsupported = () => { throw new Error('cognito-sms bundles leave out the Encryption SDK\\'s PEM helpers (asn1.js): pass a KeyObject, not raw EC points'); };",
        'export const publicKeyPem = unsupported;',
        'export const privateKeyPem = unsupported;',
        'export const chunk64 = unsupported;',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * `@vonage/auth` imports `@vonage/jwt` for applications (applicationId + private key), and it
 * imports jsonwebtoken, which pulls in semver, jws, jwa and lodash helpers (≈ 60 KB) and checks
 * the Node.js version with semver at module load. The SMS API that the Vonage adapter calls
 * authenticates with the API key and secret only, so no JWT is ever made: the bundles get a
 * jsonwebtoken whose functions throw if that ever changes.
 */
export const withoutJsonWebTokenForVonage = {
  name: 'without-jsonwebtoken-for-vonage',
  setup(build) {
    build.onResolve({ filter: /^jsonwebtoken$/ }, (args) =>
      /[\\/]@vonage[\\/]jwt[\\/]/.test(args.importer) ? { path: 'jsonwebtoken', namespace: 'without-jsonwebtoken' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'without-jsonwebtoken' }, () => ({
      contents: [
        "const unsupported = () => { throw new Error('cognito-sms bundles leave out jsonwebtoken: the Vonage SMS API authenticates with apiKey and apiSecret, not an application JWT'); };",
        'export const sign = unsupported;',
        'export const verify = unsupported;',
        'export const decode = unsupported;',
        'export default { sign, verify, decode };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

/**
 * The Encryption SDK's elliptic-curve point codecs (`ecc_encode`, `ecc_decode`) compress and
 * decompress signing keys with bn.js. Decryption never calls them: core's
 * NativeVerificationKeyCmm decompresses the key in the header with OpenSSL (`ECDH.convertKey`),
 * and only encryption compresses one. Yet `ecc_decode` builds Montgomery contexts for P-256 and
 * P-384 at module load, which costs every cold start CPU and about 4 MiB of peak RSS, so the
 * bundles get codecs that throw if they are ever called.
 */
export const withoutEccPointCodecs = {
  name: 'without-ecc-point-codecs',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-crypto[\\/]material-management[\\/]build[\\/]module[\\/]src[\\/]ecc_(en|de)code\.js$/ }, (args) => {
      const name = /ecc_encode\.js$/.test(args.path) ? 'encodeNamedCurves' : 'decodeNamedCurves';
      return {
        contents: [
          `const unsupported = () => { throw new Error('cognito-sms bundles leave out the Encryption SDK\\'s bn.js point codecs (${name}): core decompresses verification keys with node:crypto'); };`,
          `export const ${name} = Object.freeze({ prime256v1: unsupported, secp384r1: unsupported, 'P-256': unsupported, 'P-384': unsupported });`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/**
 * readable-stream 3 is Node.js 10's stream module republished for older runtimes and browsers;
 * the Encryption SDK's decrypt-node (and duplexify under it) import it. The Lambda runtime has
 * the module it copies, so the bundles import node:stream instead and leave out ≈ 40 KB that
 * every cold start would parse and run. bundle.test.ts runs a bundle over intact and altered
 * Cognito ciphertext to show decryption and its refusals are unchanged.
 */
export const readableStreamFromNode = {
  name: 'readable-stream-from-node',
  setup(build) {
    build.onResolve({ filter: /^readable-stream$/ }, () => ({ path: 'node:stream', external: true }));
  },
};

/** Every plugin above, in the order both builds use them. */
export const leanBundlePlugins = [withoutLegacyPemHelpers, withoutEccPointCodecs, readableStreamFromNode, withoutJsonWebTokenForVonage];
