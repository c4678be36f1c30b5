// `npm run demo -- --attack`: an SMS-pumping burst through the built handler with the fraud
// guard in memory. Bots sign up hundreds of numbers in three ranges of a non-home country while
// people sign up at home; the demo prints what was sent and why the rest was refused.
import { cognitoEvent, DEFAULT_USER_POOL_ID, encryptLikeCognito, type LoopbackKms } from '@cognito-sms/testkit';

/** What the demo sets unless the environment already does: the defaults plus a country limit. */
export const ATTACK_ENV = {
  SMS_GUARD: 'memory',
  SMS_LIMIT_PER_COUNTRY: 'default=100/h;US,CA,GB=5000/h',
  SMS_BUDGET: '10/h',
  SMS_PRICES: 'default=0.05;US,CA=0.0083;GB=0.04',
  SMS_BUDGET_HOME_COUNTRIES: 'US,CA,GB',
  // The console provider prints every SMS and the handler logs every refusal: the tally says it all.
  POWERTOOLS_LOG_LEVEL: 'SILENT',
} as const;

const PREFIXES = ['628120', '628121', '628523'];
const ATTACK = 360;
const NORMAL = 100;
const CONCURRENCY = 10;

type Handler = (event: unknown, context: { awsRequestId: string; getRemainingTimeInMillis(): number }) => Promise<unknown>;

/**
 * Runs the burst and prints the tally; resolves false when a normal sign-up was refused or
 * more of the attack got through than the limits allow.
 */
export async function runAttackDemo(handler: Handler, kms: LoopbackKms, keyArn: string, print: (line: string) => void): Promise<boolean> {
  // A ciphertext binds the pool, not the number: a few serve the whole burst.
  const ciphertexts = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      encryptLikeCognito({ plaintext: String(400_000 + i), keyArn, userPoolId: DEFAULT_USER_POOL_ID, kms }),
    ),
  );
  const attack = Array.from({ length: ATTACK }, (_, i) => ({
    kind: 'attack' as const,
    to: `+${PREFIXES[i % PREFIXES.length]}${String(100_000 + i).slice(-6)}`,
    user: `bot-${i}`,
  }));
  const normal = Array.from({ length: NORMAL }, (_, i) => ({
    kind: 'normal' as const,
    to: i % 2 === 0 ? `+1415${String(2_000_000 + i * 7_919).padStart(7, '0')}` : `+4477${String(10_000_000 + i * 104_729).slice(-8)}`,
    user: `person-${i}`,
  }));
  // People arrive spread through the burst: person k after bot k × ATTACK / NORMAL.
  const messages = [...attack, ...normal].sort((a, b) => position(a) - position(b));
  function position(m: (typeof attack)[number] | (typeof normal)[number]): number {
    const index = Number(m.user.split('-')[1]);
    return m.kind === 'attack' ? index : (index * ATTACK) / NORMAL + 0.5;
  }
  print(
    `▶ SMS-pumping burst: ${ATTACK} sign-ups over ${PREFIXES.length} prefixes of +62 (Indonesia), mixed with ${NORMAL} sign-ups in the US and the UK, ${CONCURRENCY} at a time`,
  );
  for (const [name, value] of Object.entries(ATTACK_ENV).filter(([n]) => n.startsWith('SMS_')))
    print(`  ${name}=${process.env[name]}${process.env[name] === value ? '' : ' (yours)'}`);
  print('  SMS_LIMIT_PER_NUMBER, SMS_LIMIT_PER_USER, SMS_LIMIT_PER_PREFIX, SMS_PREFIX_QUARANTINE_S: the defaults\n');

  const decryptsBefore = kms.calls.filter((c) => c.operation === 'Decrypt').length;
  const outcomes = new Array<string>(messages.length);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      const message = messages[index] as (typeof messages)[number];
      const event = cognitoEvent('CustomSMSSender_SignUp', {
        code: ciphertexts[index % ciphertexts.length] as string,
        phoneNumber: message.to,
        userName: message.user,
      });
      outcomes[index] = await handler(event, { awsRequestId: `attack-${index}`, getRemainingTimeInMillis: () => 10_000 }).then(
        () => 'sent',
        (error: { code?: string; name?: string }) => error.code ?? error.name ?? 'Error',
      );
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const tally = (kind: 'attack' | 'normal') => {
    const counts = new Map<string, number>();
    messages.forEach((m, i) => {
      if (m.kind === kind) counts.set(outcomes[i] as string, (counts.get(outcomes[i] as string) ?? 0) + 1);
    });
    return counts;
  };
  const describe = (kind: 'attack' | 'normal', total: number) => {
    const counts = tally(kind);
    const refused = [...counts].filter(([outcome]) => outcome !== 'sent').sort((a, b) => b[1] - a[1]);
    return `${counts.get('sent') ?? 0} of ${total} sent${refused.length > 0 ? `; refused: ${refused.map(([code, n]) => `${code} ${n}`).join(', ')}` : ''}`;
  };
  const decrypts = kms.calls.filter((c) => c.operation === 'Decrypt').length - decryptsBefore;
  print(`  people: ${describe('normal', NORMAL)}`);
  print(`  bots:   ${describe('attack', ATTACK)}`);
  print(`  KMS Decrypt calls: ${decrypts} (one per message sent; a refused message is never decrypted)\n`);
  const attackSent = tally('attack').get('sent') ?? 0;
  return (tally('normal').get('sent') ?? 0) === NORMAL && attackSent <= PREFIXES.length * 20;
}
