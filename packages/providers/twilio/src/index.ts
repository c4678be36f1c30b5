import { defineProvider } from '@cognito-sms/core/provider';
import { z } from 'zod';

// Placeholder until the adapter lands (issue 3).
export default defineProvider({
  id: 'twilio',
  config: z.object({}),
  create: () => {
    throw new Error('the twilio adapter is not implemented yet');
  },
});
