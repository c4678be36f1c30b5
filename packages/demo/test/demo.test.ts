import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the demo CLI in a process of its own without blocking the worker, so the demos run side by side. */
function runDemo(args: string[], env?: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ status: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

// The demo runs the built handler bundle (packages/handler/dist), as Lambda would. Each test is
// a process of its own that mostly waits on its loopback servers, so they run concurrently.
describe.concurrent('Demo: npm run demo', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
  });

  it('delivers a message with the right code for every trigger source through the built handler', async () => {
    const run = await runDemo([], { ...process.env, SMS_PROVIDER: 'console', DEMO_CODE: '406183' });
    expect(run.status, run.stderr).toBe(0);
    const delivered = run.stdout.split('\n').filter((line) => line.startsWith('{"provider":"console"'));
    expect(delivered).toHaveLength(8);
    expect(delivered.filter((line) => line.includes('406183'))).toHaveLength(7);
    expect(run.stdout).toContain('8 of 8 messages delivered; KMS answered 7 Decrypt calls.');
    // On Node 20 the AWS SDK's clients would warn that later SDK versions need Node 22.
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });

  it.each(['twilio', 'vonage', 'messagebird', 'sns', 'end-user-messaging'])(
    'delivers through the real %s adapter to its loopback emulator with --provider',
    async (provider) => {
      const run = await runDemo(['--provider', provider, '--trigger', 'Authentication', '--code', '771204']);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`→ ${provider} emulator got POST .*text "Your sign-in code is 771204"`));
      expect(run.stdout).toContain('1 of 1 messages delivered');
    },
  );

  it('runs the receipts function with --receipts: the emulator signs status callbacks, each is verified and the final one counted', async () => {
    const run = await runDemo(['--provider', 'twilio', '--receipts', '--trigger', 'SignUp', '--code', '550193']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/← status callback POST \/twilio "sent", signed x-twilio-signature: receipts function answered 200/);
    expect(run.stdout).toMatch(/← status callback POST \/twilio "delivered", signed x-twilio-signature: receipts function answered 200/);
    // The intermediate `sent` is not counted: one SmsDelivered point, from the final status.
    const delivered = run.stdout.split('\n').filter((line) => line.includes('"SmsDelivered":1'));
    expect(delivered).toHaveLength(1);
    // The send was recorded in the state table, so the receipt knows its country, trigger and latency.
    expect(delivered[0]).toContain('"trigger":"CustomSMSSender_SignUp","country":"GB"');
    expect(delivered[0]).toMatch(/"SmsDeliveryLatency":\d+/);
    expect(run.stdout).toContain('2 receipt(s) verified and counted');
  });

  it.each([
    ['vonage', 'POST /vonage "accepted"', 'POST /vonage "delivered"'],
    [
      'messagebird',
      'GET /messagebird "sent", signed messagebird-signature-jwt',
      'GET /messagebird "delivered", signed messagebird-signature-jwt',
    ],
  ])('runs --receipts with %s: its signed callbacks verified, the final one counted once', async (provider, first, final) => {
    const run = await runDemo(['--provider', provider, '--receipts', '--trigger', 'SignUp', '--code', '550193']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain(`← status callback ${first}`);
    expect(run.stdout).toContain(`← status callback ${final}`);
    expect(run.stdout.split('\n').filter((line) => line.includes('"SmsDelivered":1'))).toHaveLength(1);
    expect(run.stdout).toContain('2 receipt(s) verified and counted');
  });

  it('verifies the receipts of every message of a run, not only the first, with an emulator that forgets callbacks at reset', async () => {
    const run = await runDemo(['--provider', 'vonage', '--receipts']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout.split('\n').filter((line) => line.includes('✔ 2 receipt(s) verified and counted'))).toHaveLength(8);
    expect(run.stdout).toContain('8 of 8 messages delivered');
  });

  it('refuses --receipts with a provider whose emulator sends no callbacks', async () => {
    const run = await runDemo(['--provider', 'console', '--receipts']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--receipts needs a provider whose emulator sends status callbacks');
  });

  it('replays an SMS-pumping burst with --attack: every person served, the bots held to their prefixes, no Decrypt for a refusal', async () => {
    const run = await runDemo(['--', '--attack']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toContain('people: 100 of 100 sent');
    // Three prefixes, 20 an hour each by default, then quarantined.
    expect(run.stdout).toMatch(/bots: {3}60 of 360 sent; refused: PrefixQuarantined 297, PrefixLimit 3/);
    expect(run.stdout).toContain('KMS Decrypt calls: 160');
    // The console provider's SMS lines (which hold codes) are not printed during the burst.
    expect(run.stdout).not.toContain('{"provider":"console"');
  });

  it('exits non-zero and names the known triggers for an unknown one', async () => {
    const run = await runDemo(['--trigger', 'Nope']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('Known: SignUp');
  });
});
