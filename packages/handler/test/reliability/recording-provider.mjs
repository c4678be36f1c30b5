// An in-process adapter for the fuzz and canary suites: it records each SMS it is handed in a
// list shared through globalThis (no network, no output), so a test can assert "exactly one
// correct message" or "nothing sent" at thousands of cases a second.
import { defineProvider } from '@cognito-sms/core/provider';
import * as z from 'zod';

const KEY = Symbol.for('cognito-sms.reliability.recorded');

export default defineProvider({
  id: 'recorder',
  config: z.object({}),
  create() {
    return {
      id: 'recorder',
      async send(message, { signal }) {
        signal.throwIfAborted();
        globalThis[KEY] ??= [];
        const sent = globalThis[KEY];
        sent.push({ to: message.to, body: message.body, trigger: message.trigger, userPoolId: message.userPoolId });
        return { provider: 'recorder', messageId: `recorded-${sent.length}` };
      },
    };
  },
});
