import type { FlagSetDocument } from '../../lib';

export const STORE_FLAGS: FlagSetDocument = {
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'premium'] }, 'on', 'off'] },
    },
    theme: { state: 'ENABLED', variants: { dark: 'dark', light: 'light' }, defaultVariant: 'dark' },
  },
};

export const BOOTSTRAP_FLAGS: FlagSetDocument = {
  flags: {
    'new-checkout': { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
    theme: {
      state: 'ENABLED',
      variants: { dark: 'dark', light: 'light' },
      defaultVariant: 'light',
    },
  },
};
