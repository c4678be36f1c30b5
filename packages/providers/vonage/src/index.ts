import { defineProvider } from '@cognito-sms/core/provider';
import { z } from 'zod';

// Placeholder until the adapter lands (issue 3).
export default defineProvider({
  id: 'vonage',
  config: z.object({}),
  create: () => {
    throw new Error('the vonage adapter is not implemented yet');
  },
});
