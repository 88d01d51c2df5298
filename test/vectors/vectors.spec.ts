/**
 * Golden vectors: every test/vectors/*.json file holds one flag set (flagd format) and the
 * expected outcome of evaluating it, case by case.
 *
 * The expectations were computed with @openfeature/flagd-core 4.0.1, the reference
 * implementation, except in deviations.json, whose cases pin down where this engine deliberately
 * follows flagd's Go implementation instead (each case's name says why), and in limits.json, whose
 * cases pin down the limits this engine has and flagd has not.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, parseFlagSet } from '../../lib';

type ValueType = 'boolean' | 'string' | 'number' | 'object';

interface VectorCase {
  name: string;
  flag: string;
  type: ValueType;
  default: boolean | string | number | Record<string, unknown>;
  context?: Record<string, unknown>;
  expected: {
    value: unknown;
    variant?: string;
    reason: string;
    errorCode?: string;
    /** Compared exactly when present. */
    flagMetadata?: Record<string, unknown>;
  };
}

interface VectorFile {
  description: string;
  lenient?: boolean;
  flagSet: Record<string, unknown>;
  cases: VectorCase[];
}

const vectorFiles: [string, VectorFile][] = readdirSync(__dirname)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => [file, JSON.parse(readFileSync(join(__dirname, file), 'utf8')) as VectorFile]);

describe('golden vectors', () => {
  it('are present and well-formed', () => {
    expect(vectorFiles.length).toBeGreaterThan(0);
    for (const [file, vectors] of vectorFiles) {
      expect({ file, description: typeof vectors.description }).toEqual({
        file,
        description: 'string',
      });
      expect(vectors.cases.length).toBeGreaterThan(0);
      const names = vectors.cases.map((c) => c.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  describe.each(vectorFiles)('%s', (_file, vectors) => {
    const parsed = parseFlagSet(vectors.flagSet, { lenient: vectors.lenient ?? false });

    it(`parses${vectors.lenient ? ' (lenient)' : ''}`, () => {
      expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    });

    it.each(vectors.cases.map((c): [string, VectorCase] => [c.name, c]))('%s', (_name, c) => {
      if (!parsed.ok) throw new Error('the flag set did not parse');
      // A copy, so that an engine mutating its input could not leak into other cases.
      const context = c.context === undefined ? undefined : structuredClone(c.context);
      const result = evaluate(parsed.flagSet, c.flag, c.default as never, context, c.type);

      expect({
        value: result.value,
        variant: result.variant,
        reason: result.reason,
        errorCode: result.errorCode,
      }).toEqual({
        value: c.expected.value,
        variant: c.expected.variant,
        reason: c.expected.reason,
        errorCode: c.expected.errorCode,
      });
      if (c.expected.flagMetadata !== undefined) {
        expect(result.flagMetadata).toEqual(c.expected.flagMetadata);
      }
    });
  });
});
