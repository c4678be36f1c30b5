import { defineProvider } from '@cognito-sms/core/provider';
import { z } from 'zod';

// Placeholder until the adapter lands (issue 3).
export default defineProvider({
  id: 'sns',
  config: z.object({}),
  create: () => {
    throw new Error('the sns adapter is not implemented yet');
  },
});
