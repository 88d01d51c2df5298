import type { FlagSetDocument } from '../../lib';

export { writeFlagSet as write } from '../support/write-flag-set';

/** Flags of every OpenFeature type, reason and error the provider maps. */
export const OPENFEATURE_FLAGS: FlagSetDocument = {
  flags: {
    'new-checkout': {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        if: [
          {
            and: [
              { '==': [{ var: 'plan' }, 'premium'] },
              { starts_with: [{ var: 'targetingKey' }, 'user-'] },
            ],
          },
          'on',
          'off',
        ],
      },
      metadata: { owner: 'payments', type: 'release' },
    },
    theme: {
      state: 'ENABLED',
      variants: { dark: 'dark', light: 'light' },
      defaultVariant: 'dark',
      metadata: { owner: 'design' },
    },
    'upload-limit': {
      state: 'ENABLED',
      variants: { small: 10, large: 100 },
      defaultVariant: 'large',
    },
    banner: {
      state: 'ENABLED',
      variants: { sale: { text: 'Sale!', color: 'red' }, none: { text: '', color: 'none' } },
      defaultVariant: 'sale',
    },
    rollout: {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: 'off',
      targeting: {
        fractional: [
          ['on', 50],
          ['off', 50],
        ],
      },
    },
    legacy: {
      state: 'DISABLED',
      variants: { on: true, off: false },
      defaultVariant: 'on',
    },
    // Targeting picks a variant from the context, so an unknown one fails at evaluation.
    picked: {
      state: 'ENABLED',
      variants: { a: 'A', b: 'B' },
      defaultVariant: 'a',
      targeting: { var: 'pick' },
    },
  },
};

/** A definition strict validation refuses; the module loads it leniently, as PARSE_ERROR. */
export const BROKEN_FLAG = {
  state: 'ENABLED',
  variants: { on: true, off: false },
  defaultVariant: 'off',
  targeting: { 'no-such-operation': [1] },
};

export const theme = (defaultVariant: 'dark' | 'light') => ({
  state: 'ENABLED',
  variants: { dark: 'dark', light: 'light' },
  defaultVariant,
});
