import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import {
  cognitoEvent,
  DEFAULT_USER_POOL_ID,
  encryptLikeCognito,
  flipBit,
  type LoopbackKms,
  messageRegions,
  startLoopbackKms,
  tamperBase64,
} from '@cognito-sms/testkit';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const script = join(packageDir, 'scripts', 'bundle.mjs');
// The built-in providers are the handler's @cognito-sms/provider-* dependencies.
const PROVIDER_IDS = Object.keys(
  (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies,
)
  .filter((name) => name.startsWith('@cognito-sms/provider-'))
  .map((name) => name.slice('@cognito-sms/provider-'.length))
  .sort();

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }>; imports: { path: string; kind: string }[] }>;
}
interface Manifest {
  name: string;
  providers: string[];
  architecture: string;
  runtime: string;
  handler: string;
  zip: string;
  zipBytes: number;
  zipSha256: string;
  files: Record<string, number>;
}

const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;

/** Built-in provider ids and, for each, the third-party packages its adapter depends on (its SDK). */
async function providerSdks(): Promise<Map<string, string[]>> {
  const handlerManifest = await readJson<{ dependencies: Record<string, string> }>(join(packageDir, 'package.json'));
  const ids = Object.keys(handlerManifest.dependencies)
    .filter((name) => name.startsWith('@cognito-sms/provider-'))
    .map((name) => name.slice('@cognito-sms/provider-'.length));
  const shared = new Set(Object.keys(handlerManifest.dependencies));
  const sdks = new Map<string, string[]>();
  for (const id of ids) {
    const manifest = await readJson<{ dependencies?: Record<string, string> }>(join(packageDir, '..', 'providers', id, 'package.json'));
    sdks.set(
      id,
      Object.keys(manifest.dependencies ?? {}).filter((dep) => !dep.startsWith('@cognito-sms/') && dep !== 'zod' && !shared.has(dep)),
    );
  }
  return sdks;
}

/** The packages and workspace sources that went into a bundle, from esbuild's metafile. */
const inputsOf = (meta: Metafile) => Object.keys(meta.inputs).map((path) => path.replaceAll('\\', '/'));
/** The files that put code into the output (esbuild parses more, then tree-shakes them away). */
const bundledInputsOf = (meta: Metafile) =>
  Object.values(meta.outputs).flatMap((output) =>
    Object.entries(output.inputs)
      .filter(([, input]) => input.bytesInOutput > 0)
      .map(([path]) => path.replaceAll('\\', '/')),
  );
const includesPackage = (inputs: string[], pkg: string) => inputs.some((path) => path.includes(`node_modules/${pkg}/`));
const includesProviderSource = (inputs: string[], id: string) => inputs.some((path) => path.includes(`providers/${id}/src/`));

/**
 * Runs a bundle's `index.handler` in a fresh Node process, as Lambda would: env first, then
 * import, then each event in turn, as one warm container would. Prints `RECEIPT <json>` or
 * `ERROR <name>:<code>` per event.
 */
async function invokeBundle(dir: string, env: Record<string, string>, ...events: unknown[]) {
  const program = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
    for (const event of JSON.parse(process.env.TEST_EVENTS)) {
      const outcome = await handler(event, { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10000 }).then(
        (receipt) => 'RECEIPT ' + JSON.stringify(receipt),
        (error) => 'ERROR ' + error.name + ':' + error.code,
      );
      process.stdout.write(outcome + '\\n');
    }`;
  return run(process.execPath, ['--input-type=module', '-e', program], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', TEST_EVENTS: JSON.stringify(events), ...env },
  });
}

/** Extracts a bundle's zip into a fresh directory, where no node_modules can help it. */
async function unzipBundle(zipPath: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cognito-sms-lambda-'));
  for (const [file, bytes] of Object.entries(unzipSync(await readFile(zipPath)))) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), bytes);
  }
  return dir;
}

describe('Script: npm run bundle', () => {
  let outdir: string;
  let kms: LoopbackKms;
  let sdks: Map<string, string[]>;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'cognito-sms-bundle-'));
    sdks = await providerSdks();
    kms = await startLoopbackKms();
    // Act once for the file: the default run (one bundle per provider, plus "all").
    await run(process.execPath, [script, '--outdir', outdir, '--metafile'], { cwd: packageDir });
  }, 120_000);

  afterAll(async () => {
    await kms?.close();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('knows every built-in provider, including console and the ones the issue names', () => {
    expect(PROVIDER_IDS).toEqual(expect.arrayContaining(['console', 'end-user-messaging', 'messagebird', 'sns', 'twilio', 'vonage']));
    expect([...sdks.keys()].sort()).toEqual(PROVIDER_IDS);
  });

  it.each(PROVIDER_IDS)('builds a %s bundle that contains its adapter and no other provider or provider SDK', async (id) => {
    // Assess
    const inputs = inputsOf(await readJson<Metafile>(join(outdir, `${id}.meta.json`)));
    expect(includesProviderSource(inputs, id)).toBe(true);
    for (const [other, otherSdks] of sdks) {
      if (other === id) continue;
      expect(includesProviderSource(inputs, other), `${id} bundle holds the ${other} adapter`).toBe(false);
      for (const pkg of otherSdks.filter((p) => !(sdks.get(id) ?? []).includes(p))) {
        expect(includesPackage(inputs, pkg), `${id} bundle holds ${other}'s SDK ${pkg}`).toBe(false);
      }
    }
    // The provider map is the generated one, never the source listing every provider.
    expect(inputs).toContain('src/providers.ts');
    const manifest = await readJson<Manifest>(join(outdir, `${id}.manifest.json`));
    expect(manifest).toMatchObject({ name: id, providers: [id], architecture: 'arm64', runtime: 'nodejs22.x', handler: 'index.handler' });
  });

  it('names the exact SDK packages of the sns bundle and keeps twilio, Vonage and MessageBird out of it', async () => {
    const inputs = inputsOf(await readJson<Metafile>(join(outdir, 'sns.meta.json')));
    for (const pkg of ['twilio', '@vonage/sms', '@vonage/auth', 'messagebird', '@aws-sdk/client-pinpoint-sms-voice-v2']) {
      expect(includesPackage(inputs, pkg), pkg).toBe(false);
    }
    const twilio = inputsOf(await readJson<Metafile>(join(outdir, 'twilio.meta.json')));
    for (const pkg of ['@aws-sdk/client-sns', '@vonage/sms', '@vonage/auth', 'messagebird', '@aws-sdk/client-pinpoint-sms-voice-v2']) {
      expect(includesPackage(twilio, pkg), pkg).toBe(false);
    }
  });

  it.each(['twilio', 'sns'])(
    'keeps @aws-sdk/client-kms out of the %s cold start: core’s Decrypt client is loaded, the SDK’s only by dynamic import',
    async (id) => {
      const meta = await readJson<Metafile>(join(outdir, `${id}.meta.json`));
      const outputs = new Map(Object.entries(meta.outputs).map(([file, output]) => [file.replaceAll('\\', '/'), output] as const));
      const byPath = (path: string) => [...outputs.keys()].find((file) => file.endsWith(path.replace(/^(\.\.\/)+/, '')));
      // What the runtime loads at init: the entry and every chunk it imports statically, transitively.
      const loaded = new Set<string>();
      const visit = (file: string | undefined) => {
        if (!file || loaded.has(file)) return;
        loaded.add(file);
        for (const item of outputs.get(file)?.imports ?? []) if (item.kind === 'import-statement') visit(byPath(item.path));
      };
      visit([...outputs.keys()].find((file) => file.endsWith(`/${id}/index.mjs`)));
      const holding = (pkg: string) =>
        [...outputs.entries()].filter(([, output]) => includesPackage(Object.keys(output.inputs), pkg)).map(([file]) => file);
      expect(loaded.size).toBeGreaterThan(1);
      expect(holding('@aws-sdk/client-kms').length).toBeGreaterThan(0);
      expect(holding('@aws-sdk/client-kms').filter((file) => loaded.has(file))).toEqual([]);
      // Without an AWS client of its own (SNS has one), a bundle loads no AWS SDK code at cold start.
      for (const pkg of ['@smithy/core', '@smithy/signature-v4', '@aws-sdk/core']) {
        if (id === 'twilio')
          expect(
            holding(pkg).filter((file) => loaded.has(file)),
            pkg,
          ).toEqual([]);
        else
          expect(
            holding(pkg).some((file) => loaded.has(file)),
            pkg,
          ).toBe(true);
      }
    },
  );

  it('leaves out code no send reaches: the Encryption SDK’s Node<11 PEM helpers (asn1.js), its bn.js point codecs, readable-stream, and the Vonage JWT signer (jsonwebtoken, semver)', async () => {
    for (const id of ['twilio', 'vonage', 'sns']) {
      const inputs = bundledInputsOf(await readJson<Metafile>(join(outdir, `${id}.meta.json`)));
      for (const pkg of ['asn1.js', 'jsonwebtoken', 'semver', 'readable-stream', 'string_decoder']) {
        expect(includesPackage(inputs, pkg), `${id}: ${pkg}`).toBe(false);
      }
      // ecc_decode builds its P-256 and P-384 contexts from the curves' primes at module load.
      const code = (
        await Promise.all(
          Object.keys((await readJson<Manifest>(join(outdir, `${id}.manifest.json`))).files)
            .filter((file) => file.endsWith('.mjs'))
            .map((file) => readFile(join(outdir, id, file), 'utf8')),
        )
      ).join('\n');
      expect(code, `${id}: ecc_decode`).not.toMatch(/FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF/i);
      // The SDK's material management is still there, with its bn.js for the frames' AAD.
      expect(includesPackage(inputs, '@aws-crypto/material-management'), id).toBe(true);
      expect(includesPackage(inputs, 'bn.js'), id).toBe(true);
    }
    expect(includesPackage(inputsOf(await readJson<Metafile>(join(outdir, 'vonage.meta.json'))), '@vonage/auth')).toBe(true);
  });

  it('carries the DynamoDB delivery ledger in a chunk both entries import lazily', async () => {
    for (const [name, entry] of [
      ['twilio.meta.json', 'index.mjs'],
      ['twilio.receipts.meta.json', 'receipts.mjs'],
    ] as const) {
      const meta = await readJson<Metafile>(join(outdir, name));
      const outputs = Object.entries(meta.outputs).map(([file, output]) => [file.replaceAll('\\', '/'), output] as const);
      const holding = outputs.filter(([, output]) => '../receipts/src/dynamodb.ts' in output.inputs).map(([file]) => file);
      const [, entryOutput] = outputs.find(([file]) => file.endsWith(`/twilio/${entry}`)) ?? [];
      // Exactly one chunk holds it, and the entry file imports that chunk dynamically, never statically.
      expect(
        holding.map((file) => /\/chunks\/[^/]+\.mjs$/.test(file)),
        name,
      ).toEqual([true]);
      expect(
        entryOutput?.imports
          .filter((item) => holding.some((file) => file.endsWith(item.path.replace(/^(\.\.\/)+/, ''))))
          .map((item) => item.kind),
        name,
      ).toEqual(['dynamic-import']);
    }
  });

  it('builds the "all" bundle with every adapter, each in a lazily imported chunk', async () => {
    const manifest = await readJson<Manifest>(join(outdir, 'all.manifest.json'));
    expect(manifest.providers).toEqual(PROVIDER_IDS);
    const inputs = inputsOf(await readJson<Metafile>(join(outdir, 'all.meta.json')));
    for (const id of manifest.providers) expect(includesProviderSource(inputs, id)).toBe(true);
    const index = await readFile(join(outdir, 'all', 'index.mjs'), 'utf8');
    expect(index).toMatch(/import\(["']\.\/chunks\//);
  });

  it('builds receipts.mjs (receipts.handler) from the adapter’s ./receipts part only, without its sending half', async () => {
    // Assess: Twilio's receipts part verifies with the SDK's webhooks module, not its REST client.
    const inputs = bundledInputsOf(await readJson<Metafile>(join(outdir, 'twilio.receipts.meta.json')));
    expect(inputs).toContain('../providers/twilio/src/receipts.ts');
    expect(
      includesProviderSource(
        inputs.filter((path) => !path.endsWith('/receipts.ts')),
        'twilio',
      ),
    ).toBe(false);
    expect(inputs.some((path) => path.includes('node_modules/twilio/lib/rest/'))).toBe(false);
    expect(includesPackage(inputs, '@aws-sdk/client-kms')).toBe(false);
    const manifest = await readJson<Manifest & { receiptsHandler: string; receiptsProviders: string[] }>(
      join(outdir, 'twilio.manifest.json'),
    );
    expect(manifest).toMatchObject({ receiptsHandler: 'receipts.handler', receiptsProviders: ['twilio'] });
  });

  it.each(['vonage', 'messagebird', 'plivo'])(
    'builds the %s receipts.mjs from its ./receipts part on node:crypto: no provider SDK, no sending half',
    async (id) => {
      // Assess
      const inputs = bundledInputsOf(await readJson<Metafile>(join(outdir, `${id}.receipts.meta.json`)));
      expect(inputs).toContain(`../providers/${id}/src/receipts.ts`);
      expect(
        includesProviderSource(
          inputs.filter((path) => !path.endsWith('/receipts.ts')),
          id,
        ),
      ).toBe(false);
      for (const pkg of ['@vonage/sms', '@vonage/auth', '@vonage/server-client', 'jsonwebtoken', 'messagebird', 'plivo']) {
        expect(includesPackage(inputs, pkg), pkg).toBe(false);
      }
      const manifest = await readJson<Manifest & { receiptsProviders: string[] }>(join(outdir, `${id}.manifest.json`));
      expect(manifest.receiptsProviders).toEqual([id]);
    },
  );

  it('runs the unzipped twilio bundle’s receipts.handler on its own: answers a function URL request and refuses a forged one', async () => {
    // Prepare: a callback signed as Twilio signs it, arriving as a function URL event.
    const base = 'https://abc123.lambda-url.eu-west-1.on.aws';
    const params = { MessageSid: 'SM0123456789abcdef0123456789abcdef', MessageStatus: 'delivered' };
    const signed = `${base}/twilio${Object.keys(params)
      .sort()
      .map((name) => name + params[name as keyof typeof params])
      .join('')}`;
    const signature = createHmac('sha1', 'receipts-auth-token').update(signed).digest('base64');
    const event = (sig: string) => ({
      version: '2.0',
      rawPath: '/twilio',
      rawQueryString: '',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': sig },
      requestContext: { http: { method: 'POST' }, domainName: 'abc123.lambda-url.eu-west-1.on.aws' },
      body: Buffer.from(new URLSearchParams(params).toString()).toString('base64'),
      isBase64Encoded: true,
    });
    const env = { SMS_PROVIDER: 'twilio', TWILIO_AUTH_TOKEN: 'receipts-auth-token', SMS_RECEIPTS_URL: base, AWS_REGION: 'eu-west-1' };
    const program = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(outdir, 'twilio', 'receipts.mjs')).href)});
      for (const event of JSON.parse(process.env.TEST_EVENTS)) process.stdout.write('RESPONSE ' + JSON.stringify(await handler(event)) + '\\n');`;

    // Act
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', program], {
      cwd: join(outdir, 'twilio'),
      env: { PATH: process.env.PATH ?? '', TEST_EVENTS: JSON.stringify([event(signature), event('forged')]), ...env },
    });

    // Assess
    const responses = stdout
      .split('\n')
      .filter((line) => line.startsWith('RESPONSE '))
      .map((line) => JSON.parse(line.slice('RESPONSE '.length)) as { statusCode: number });
    expect(responses.map((response) => response.statusCode)).toEqual([200, 403]);
    expect(stdout).toContain('"SmsDelivered"');
  });

  it('writes a zip of the .mjs files only, readable by the Lambda runtime user, with a source map beside it', async () => {
    // Prepare
    const manifest = await readJson<Manifest>(join(outdir, 'twilio.manifest.json'));
    const zip = await readFile(join(outdir, 'twilio.zip'));
    // Act
    const entries = Object.keys(unzipSync(zip));
    // Assess
    expect(entries).toContain('index.mjs');
    expect(entries.every((entry) => entry.endsWith('.mjs'))).toBe(true);
    expect(entries.sort()).toEqual(
      Object.keys(manifest.files)
        .filter((f) => f.endsWith('.mjs'))
        .sort(),
    );
    expect(manifest.files['index.mjs.map']).toBeGreaterThan(0);
    expect(manifest.zipBytes).toBe(zip.length);
    // Central directory entry of index.mjs: made by Unix (3), external attributes 0100644.
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    expect(zip[central + 5]).toBe(3);
    expect(zip.readUInt32LE(central + 38) >>> 16).toBe(0o100644);
  });

  it('runs the unzipped console bundle on its own: decrypts a Cognito code through KMS and sends it', async () => {
    // Prepare: the zip extracted where no node_modules can help it.
    const dir = await unzipBundle(join(outdir, 'console.zip'));
    const keyArn = kms.keyArns[0] as string;
    const code = await encryptLikeCognito({ plaintext: '246810', keyArn, userPoolId: 'eu-west-1_TestPool1', kms });
    // Act
    const { stdout } = await invokeBundle(
      dir,
      {
        KMS_KEY_ARN: keyArn,
        SMS_PROVIDER: 'console',
        AWS_REGION: kms.region,
        AWS_ACCESS_KEY_ID: 'AKIDBUNDLE',
        AWS_SECRET_ACCESS_KEY: 'bundle-secret',
        AWS_ENDPOINT_URL_KMS: kms.endpoint,
      },
      cognitoEvent('CustomSMSSender_SignUp', { code }),
    );
    await rm(dir, { recursive: true, force: true });
    // Assess
    const sms = stdout.split('\n').find((line) => line.startsWith('{"provider":"console"'));
    expect(JSON.parse(sms ?? '{}')).toMatchObject({ to: '+447700900123', body: expect.stringContaining('246810') });
    expect(stdout).toMatch(/RECEIPT \{"provider":"console"/);
  });

  it('decrypts in the bundle as from source, with node:stream for readable-stream: refuses every altered part of a Cognito message, truncated or extended, and sends nothing', async () => {
    // Prepare: one intact message, then one bit flipped in each region, a cut and an extension.
    const dir = await unzipBundle(join(outdir, 'console.zip'));
    const keyArn = kms.keyArns[0] as string;
    const code = await encryptLikeCognito({ plaintext: 'Bndl7Tamper', keyArn, userPoolId: DEFAULT_USER_POOL_ID, kms });
    const message = Buffer.from(code, 'base64');
    const altered = [
      ...messageRegions(message).map((region) => ({
        label: region.name,
        code: tamperBase64(code, (bytes) => flipBit(bytes, region.start * 8 + 5)),
      })),
      { label: 'truncated', code: tamperBase64(code, (bytes) => bytes.subarray(0, bytes.length - 40)) },
      { label: 'appended', code: tamperBase64(code, (bytes) => Buffer.concat([bytes, Buffer.from('extra')])) },
    ];
    const events = [code, ...altered.map((a) => a.code)].map((c) => cognitoEvent('CustomSMSSender_SignUp', { code: c }));
    // Act: every event through one handler, as one warm container would.
    const { stdout } = await invokeBundle(
      dir,
      {
        KMS_KEY_ARN: keyArn,
        SMS_PROVIDER: 'console',
        SMS_GUARD: 'off',
        AWS_REGION: kms.region,
        AWS_ACCESS_KEY_ID: 'AKIDBUNDLE',
        AWS_SECRET_ACCESS_KEY: 'bundle-secret',
        AWS_ENDPOINT_URL_KMS: kms.endpoint,
      },
      ...events,
    );
    await rm(dir, { recursive: true, force: true });
    // Assess: the intact message is sent once; each altered one is a DecryptError.
    const outcomes = stdout
      .split('\n')
      .filter((line) => /^(RECEIPT|ERROR) /.test(line))
      .map((line) => (line.startsWith('RECEIPT ') ? 'sent' : line.slice('ERROR '.length)));
    expect(outcomes).toHaveLength(events.length);
    expect(outcomes[0]).toBe('sent');
    expect(altered.map(({ label }, i) => [label, outcomes[i + 1]])).toEqual(
      altered.map(({ label }) => [label, expect.stringMatching(/^DecryptError:/)]),
    );
    expect(stdout.split('\n').filter((line) => line.startsWith('{"provider":"console"'))).toHaveLength(1);
  });

  it('refuses at cold start a provider that is not in the bundle, naming the ones that are', async () => {
    // Act
    const failure = await invokeBundle(
      join(outdir, 'twilio'),
      { KMS_KEY_ARN: kms.keyArns[0] as string, SMS_PROVIDER: 'sns', AWS_REGION: kms.region },
      cognitoEvent('CustomSMSSender_SignUp'),
    ).catch((error: { stderr: string; stdout: string }) => error);
    // Assess
    expect(failure).toHaveProperty('stderr');
    const text = `${(failure as { stdout: string }).stdout}${(failure as { stderr: string }).stderr}`;
    // The configuration error names the variable and offers only the bundle's providers: twilio.
    const issue = text.split('\n').find((line) => line.trim().startsWith('- SMS_PROVIDER:')) ?? '';
    expect(issue).toMatch(/"sns"/);
    expect(issue).toMatch(/\(twilio\)/);
    expect(issue).not.toMatch(/vonage|messagebird|console/);
  });

  it('records --arch in the manifest and builds the same bytes for x86_64 as for arm64', async () => {
    // Prepare: a sibling directory, so the source maps' relative paths (and chunk hashes) match.
    const other = await mkdtemp(join(tmpdir(), 'cognito-sms-bundle-'));
    // Act
    const { stdout } = await run(process.execPath, [script, '--providers', 'console', '--arch', 'x86_64', '--outdir', other], {
      cwd: packageDir,
    });
    // Assess
    const x86 = await readJson<Manifest>(join(other, 'console.manifest.json'));
    const arm = await readJson<Manifest>(join(outdir, 'console.manifest.json'));
    await rm(other, { recursive: true, force: true });
    expect(x86.architecture).toBe('x86_64');
    expect(x86.zipSha256).toBe(arm.zipSha256);
    expect(stdout).toMatch(/console\s+console\s+x86_64\s+\d+/);
  });

  it('puts several providers in one bundle named after the sorted ids, taking args after the `--` pnpm passes on', async () => {
    const other = join(outdir, 'pair');
    const { stdout } = await run(process.execPath, [script, '--', '--providers', 'twilio,sns', '--outdir', other, '--metafile'], {
      cwd: packageDir,
    });
    const manifest = await readJson<Manifest>(join(other, 'sns+twilio.manifest.json'));
    expect(manifest.providers).toEqual(['sns', 'twilio']);
    const inputs = inputsOf(await readJson<Metafile>(join(other, 'sns+twilio.meta.json')));
    expect(includesProviderSource(inputs, 'sns') && includesProviderSource(inputs, 'twilio')).toBe(true);
    expect(includesProviderSource(inputs, 'vonage')).toBe(false);
    expect(stdout).toContain('zip KB');
  });

  it('exits with 2 and names the built-in providers when an id is unknown', async () => {
    const failure = await run(process.execPath, [script, '--providers', 'carrier-pigeon', '--outdir', join(outdir, 'none')], {
      cwd: packageDir,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain(
      `unknown provider id(s): carrier-pigeon; built-in providers: ${PROVIDER_IDS.join(', ')}`,
    );
  });
});
