import { Inject, Injectable } from '@nestjs/common';
import { FlagState } from '../core/flag-state';
import { type FlagValue, parseFlagSet } from '../evaluation';
import { FlagsConfigurationError } from '../core/flags-configuration.error';

/** A flag's value, or a full flagd definition (an object with `state` and `variants`). @publicApi */
export type TestingFlagValue = FlagValue | { state: string; variants: Record<string, unknown> };

/** The `forRoot` flags of the testing module. @internal */
export const TESTING_FLAGS = 'FLAGS:TESTING_FLAGS';

const isDefinition = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'state' in value && 'variants' in value;

/** A flag that always serves `value`, with a variant named after it where that reads well. */
function definitionOf(value: TestingFlagValue): unknown {
  if (isDefinition(value)) return value;
  if (typeof value === 'boolean') {
    return {
      state: 'ENABLED',
      variants: { on: true, off: false },
      defaultVariant: value ? 'on' : 'off',
    };
  }
  const variant = typeof value === 'string' && value !== '' ? value : 'value';
  return { state: 'ENABLED', variants: { [variant]: value }, defaultVariant: variant };
}

/**
 * The flags a test serves, changeable between requests: `set` overrides some, `reset` goes back
 * to the ones given to `FlagsTestingModule.forRoot()`. Changes apply at once.
 *
 * @example
 * app.get(TestingFlags).set({ 'new-checkout': false });
 * await request(app.getHttpServer()).get('/checkout').expect(404);
 * @publicApi
 */
@Injectable()
export class TestingFlags {
  private overrides: Record<string, TestingFlagValue> = {};
  private revision = 0;

  constructor(
    private readonly state: FlagState,
    @Inject(TESTING_FLAGS) private readonly initial: Readonly<Record<string, TestingFlagValue>>,
  ) {
    this.serve();
  }

  /** Overrides these flags (on top of earlier overrides); other flags keep their values. */
  set(flags: Record<string, TestingFlagValue>): void {
    this.overrides = { ...this.overrides, ...flags };
    this.serve();
  }

  /** Serves only the flags given to `forRoot()` again. */
  reset(): void {
    this.overrides = {};
    this.serve();
  }

  private serve(): void {
    const flags = { ...this.initial, ...this.overrides };
    const document = {
      flags: Object.fromEntries(
        Object.entries(flags).map(([key, value]) => [key, definitionOf(value)]),
      ),
    };
    const parsed = parseFlagSet(document);
    if (!parsed.ok) {
      const problems = parsed.errors.map((error) => `${error.path}: ${error.message}`).join('; ');
      throw new FlagsConfigurationError(`the testing flags are invalid: ${problems}`);
    }
    this.state.serve({
      flagSet: parsed.flagSet,
      source: 'store',
      revision: ++this.revision,
      checksum: '',
      loadedAt: new Date(),
    });
    // Served as the store's: ready, started and healthy at once, as a test expects.
    this.state.storeAnswered();
    this.state.startupDone();
  }
}
