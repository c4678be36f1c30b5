import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthesize } from '../src/app.js';

const run = promisify(execFile);
const exampleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = join(exampleDir, '..', '..');

type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (assembly: CloudAssembly) =>
  Object.entries((assembly.getStackByName('CognitoSmsExample').template as { Resources: Record<string, Resource> }).Resources);
/** The handler function's environment variables. */
const variablesOf = (assembly: CloudAssembly): Record<string, unknown> => {
  const fn = ofType(assembly, 'AWS::Lambda::Function')[0]?.[1];
  return (fn?.Properties.Environment as { Variables: Record<string, unknown> } | undefined)?.Variables ?? {};
};
const ofType = (assembly: CloudAssembly, type: string) => resources(assembly).filter(([, r]) => r.Type === type);

/** A dist-lambda directory holding a (dummy) twilio bundle, as `npm run bundle` leaves it. */
function bundleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cognito-sms-example-bundles-'));
  writeFileSync(join(dir, 'twilio.zip'), Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array<number>(18).fill(0)]));
  writeFileSync(
    join(dir, 'twilio.manifest.json'),
    JSON.stringify({
      name: 'twilio',
      providers: ['twilio'],
      architecture: 'arm64',
      runtime: 'nodejs22.x',
      handler: 'index.handler',
      receiptsHandler: 'receipts.handler',
      receiptsProviders: ['twilio'],
      zip: 'twilio.zip',
    }),
  );
  return dir;
}

describe('Example: examples/cdk synthesises offline', () => {
  let assembly: CloudAssembly;
  beforeAll(() => {
    assembly = synthesize({ outdir: mkdtempSync(join(tmpdir(), 'cognito-sms-example-')), bundleDir: bundleDir() });
  });

  it('is environment-agnostic and needs no context lookups (so no AWS account or network)', () => {
    const stack = assembly.getStackByName('CognitoSmsExample');
    expect(stack.environment.account).toBe('unknown-account');
    expect(stack.environment.region).toBe('unknown-region');
    expect(assembly.manifest.missing).toBeUndefined();
  });

  it('has the twilio function with the bundle zip, reading its credentials from the secret', () => {
    const [[, fn] = []] = ofType(assembly, 'AWS::Lambda::Function');
    expect(fn?.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler' });
    expect(fn?.Properties.Code).toHaveProperty('S3Key', expect.stringMatching(/\.zip$/));
    const variables = variablesOf(assembly);
    expect(variables.SMS_PROVIDER).toBe('twilio');
    expect(variables.TWILIO_FROM).toBe('+15005550006');
    expect(variables.TWILIO_AUTH_TOKEN).toBe('{{resolve:secretsmanager:cognito-sms/twilio:SecretString:authToken::}}');
    expect(variables.TWILIO_ACCOUNT_SID).toBe('{{resolve:secretsmanager:cognito-sms/twilio:SecretString:accountSid::}}');
    const statements = ofType(assembly, 'AWS::IAM::Policy').flatMap(
      ([, p]) => (p.Properties.PolicyDocument as { Statement: { Action: unknown }[] }).Statement,
    );
    expect(statements.map((s) => s.Action)).toContainEqual(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']);
  });

  it("attaches the function as the pool's CustomSMSSender trigger with the construct's key", () => {
    const [fnId] = ofType(assembly, 'AWS::Lambda::Function')[0] ?? [];
    const [keyId] = ofType(assembly, 'AWS::KMS::Key')[0] ?? [];
    const [, pool] = ofType(assembly, 'AWS::Cognito::UserPool')[0] ?? [];
    expect(pool?.Properties.LambdaConfig).toEqual({
      CustomSMSSender: { LambdaArn: { 'Fn::GetAtt': [fnId, 'Arn'] }, LambdaVersion: 'V1_0' },
      KMSKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    expect(ofType(assembly, 'AWS::Lambda::Permission').map(([, p]) => p.Properties.Principal)).toContain('cognito-idp.amazonaws.com');
  });

  it('pins the secret version when asked, which is how a rotated credential gets deployed', () => {
    const pinned = synthesize({
      outdir: mkdtempSync(join(tmpdir(), 'cognito-sms-example-')),
      bundleDir: bundleDir(),
      twilioSecretVersion: 'v-2',
    });
    expect(variablesOf(pinned).TWILIO_AUTH_TOKEN).toBe('{{resolve:secretsmanager:cognito-sms/twilio:SecretString:authToken::v-2}}');
  });

  it('still synthesises without the bundle, with placeholder code and a warning', () => {
    const bare = synthesize({ outdir: mkdtempSync(join(tmpdir(), 'cognito-sms-example-')), bundleDir: join(tmpdir(), 'no-such-bundles') });
    const [[, fn] = []] = ofType(bare, 'AWS::Lambda::Function');
    expect(JSON.stringify(fn?.Properties.Code)).toContain('npm run bundle -- --providers twilio');
    const warnings = bare.getStackByName('CognitoSmsExample').messages.filter((m) => m.level === 'warning');
    expect(warnings.map((m) => String(m.entry.data)).join('\n')).toMatch(/No twilio bundle found/);
  });

  // The real `npm run synth` path: compiled JS, the built @cognito-sms/cdk, no network at all.
  // `npm test`'s build compiles this example (scripts/build.mjs) exactly as `npm run synth`'s
  // `tsc -p tsconfig.build.json` does, so the test runs the output instead of compiling again.
  it.skipIf(!existsSync(join(exampleDir, 'dist', 'main.js')) || !existsSync(join(repoRoot, 'packages', 'cdk', 'dist', 'index.js')))(
    'runs the synth script with every outgoing connection refused',
    async () => {
      // Prepare
      const outdir = mkdtempSync(join(tmpdir(), 'cognito-sms-example-cli-'));
      const noNetwork = `data:text/javascript,${encodeURIComponent(
        "import net from 'node:net'; import dns from 'node:dns'; const refuse = () => { throw new Error('network access during synth'); }; net.Socket.prototype.connect = refuse; dns.lookup = refuse; dns.promises.lookup = refuse;",
      )}`;
      // Act
      const { stdout } = await run(process.execPath, ['--import', noNetwork, 'dist/main.js'], {
        cwd: exampleDir,
        env: { PATH: process.env.PATH ?? '', CDK_OUTDIR: outdir },
      });
      // Assess
      expect(stdout).toMatch(/CognitoSmsExample: \d+ resources/);
      const template = JSON.parse(readFileSync(join(outdir, 'CognitoSmsExample.template.json'), 'utf8')) as {
        Resources: Record<string, Resource>;
      };
      const types = Object.values(template.Resources).map((r) => r.Type);
      expect(types).toContain('AWS::Lambda::Function');
      expect(types).toContain('AWS::Cognito::UserPool');
    },
  );
});
