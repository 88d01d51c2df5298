import { evaluate, parseFlagSet } from '../evaluation';
import type { StoredFlagSet } from '../ports/flag-store';
import { flagSetFromStore } from './flag-set-from-store';

const PREMIUM: [string, string] = ['premium', '{"==":[{"var":"plan"},"premium"]}'];

const stored = (
  flags: Array<[string, string]>,
  metadata: string | null = null,
  evaluators: Array<[string, string]> = [PREMIUM],
): StoredFlagSet => ({
  revision: 3,
  checksum: 'c',
  updatedAt: new Date(),
  flags: flags.map(([key, definition]) => ({ key, definition })),
  evaluators: evaluators.map(([key, definition]) => ({ key, definition })),
  metadata,
});

/** How the store was loaded before it was loaded lazily: one document, parsed leniently. */
function eagerFlagSetFromStore(stored: StoredFlagSet) {
  const members = (entries: StoredFlagSet['flags']) =>
    entries.map(({ key, definition }) => `${JSON.stringify(key)}:${definition}`).join(',');
  const parsedMembers = (entries: StoredFlagSet['flags']) =>
    Object.fromEntries(
      entries.map(({ key, definition }) => {
        try {
          return [key, JSON.parse(definition)];
        } catch {
          return [key, definition];
        }
      }),
    );
  const metadata = stored.metadata ?? '{}';
  const text = `{"flags":{${members(stored.flags)}},"$evaluators":{${members(stored.evaluators)}},"metadata":${metadata}}`;
  const whole = parseFlagSet(text, { lenient: true });
  if (whole.ok) return whole.flagSet;
  let parsedMetadata: unknown;
  try {
    parsedMetadata = JSON.parse(metadata);
  } catch {
    parsedMetadata = undefined;
  }
  const parts = parseFlagSet(
    {
      flags: parsedMembers(stored.flags),
      $evaluators: parsedMembers(stored.evaluators),
      ...(parsedMetadata !== null && typeof parsedMetadata === 'object'
        ? { metadata: parsedMetadata }
        : {}),
    },
    { lenient: true },
  );
  if (!parts.ok) throw new Error(JSON.stringify(parts.errors));
  return parts.flagSet;
}

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

  it('holds every row at once and parses a definition only when its flag is first used', () => {
    const rows: Array<[string, string]> = [
      ['a', ON],
      ['broken', 'not JSON at all'],
      ['b', ON],
    ];
    const flagSet = flagSetFromStore(stored(rows));
    expect(flagSet.size).toBe(3);
    expect([...flagSet.keys()]).toEqual(['a', 'broken', 'b']);
    expect(flagSet.has('broken')).toBe(true);
    expect(evaluate(flagSet, 'broken', false)).toMatchObject({
      reason: 'ERROR',
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringMatching(/not valid JSON/),
    });
    expect(evaluate(flagSet, 'b', false, { plan: 'premium' }).value).toBe(true);
  });

  it('evaluates as the eager load it replaces, damaged rows, evaluators and metadata included', () => {
    const rows: Array<[string, string]> = [
      ['a', ON],
      ['text', '{"state":"ENABLED","variants":{"x":"x","y":"y"},"targeting":{"$ref":"damaged"}}'],
      [
        'quoted',
        '{"state":"ENABLED","variants":{"on":true},"defaultVariant":"on","metadata":{"a":1}}',
      ],
      ['broken', '{"state": "ENABLED", '],
      ['not-a-flag', '7'],
    ];
    const evaluatorSets: Array<Array<[string, string]>> = [
      [PREMIUM],
      [PREMIUM, ['damaged', '"y']],
      [PREMIUM, ['damaged', '{"var":"plan"}']],
    ];
    for (const evaluators of evaluatorSets) {
      for (const metadata of [null, '{"team":"web"}', '"web"', '{"team":', '[1]']) {
        const input = stored(rows, metadata, evaluators);
        const lazily = flagSetFromStore(input);
        const eagerly = eagerFlagSetFromStore(input);
        expect(lazily.metadata).toEqual(eagerly.metadata);
        for (const [key] of rows) {
          for (const context of [{ plan: 'premium' }, { plan: 'y' }, {}]) {
            const expected = evaluate(eagerly, key, 'z', context);
            // The eager load could only say that a row that is not JSON is not an object.
            if (key === 'broken') delete expected.errorMessage;
            expect({ key, ...evaluate(lazily, key, 'z', context) }).toMatchObject({
              key,
              ...expected,
            });
          }
        }
      }
    }
  });

  it('refuses more flags than a flag set may hold, as it did', () => {
    const rows = Array.from({ length: 50_001 }, (_, i): [string, string] => [`f${i}`, ON]);
    expect(() => flagSetFromStore(stored(rows))).toThrow(
      /The stored flags cannot be read: \/flags: 50001 flags is more than the limit of 50000/,
    );
  });
});
