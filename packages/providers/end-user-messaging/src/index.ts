import { defineProvider } from '@cognito-sms/core/provider';
import { z } from 'zod';

// Placeholder until the adapter lands (issue 3).
export default defineProvider({
  id: 'end-user-messaging',
  config: z.object({}),
  create: () => {
    throw new Error('the end-user-messaging adapter is not implemented yet');
  },
});
