import { evaluate } from '../evaluation';
import type { StoredFlagSet } from '../ports/flag-store';
import { flagSetFromStore } from './flag-set-from-store';

const stored = (flags: Array<[string, string]>, metadata: string | null = null): StoredFlagSet => ({
  revision: 3,
  checksum: 'c',
  updatedAt: new Date(),
  flags: flags.map(([key, definition]) => ({ key, definition })),
  evaluators: [{ key: 'premium', definition: '{"==":[{"var":"plan"},"premium"]}' }],
  metadata,
});

const ON =
  '{"state":"ENABLED","variants":{"on":true,"off":false},"defaultVariant":"off","targeting":{"if":[{"$ref":"premium"},"on","off"]}}';

describe('flagSetFromStore', () => {
  it('builds the flag set the rows describe, with evaluators and metadata', () => {
    const flagSet = flagSetFromStore(stored([['a', ON]], '{"team":"web"}'));
    expect(evaluate(flagSet, 'a', false, { plan: 'premium' })).toMatchObject({
      value: true,
      flagMetadata: { team: 'web' },
    });
  });

  it('turns a damaged row into one PARSE_ERROR flag, serving the others', () => {
    const flagSet = flagSetFromStore(
      stored([
        ['a', ON],
        ['broken', '{"state": "ENABLED", '],
      ]),
    );
    expect(evaluate(flagSet, 'a', false, { plan: 'premium' }).value).toBe(true);
    expect(evaluate(flagSet, 'broken', false)).toMatchObject({
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
    });
  });

  it('keys that need escaping survive', () => {
    const flagSet = flagSetFromStore(stored([['quote"and\\slash', ON]]));
    expect(flagSet.has('quote"and\\slash')).toBe(true);
  });
});
