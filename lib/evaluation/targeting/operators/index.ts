import type { OperatorCompiler } from '../compile-scope';
import { ARITHMETIC_OPERATORS } from './arithmetic.operators';
import { ARRAY_OPERATORS } from './array.operators';
import { COMPARISON_OPERATORS } from './comparison.operators';
import { DATA_OPERATORS } from './data.operators';
import { FLAGD_OPERATORS } from './flagd.operators';
import { LOGIC_OPERATORS } from './logic.operators';
import { STRING_OPERATORS } from './string.operators';

/**
 * Every operation targeting may use: JsonLogic's, and flagd's `fractional`, `sem_ver`,
 * `starts_with` and `ends_with`.
 * @internal
 */
export const OPERATORS: ReadonlyMap<string, OperatorCompiler> = new Map(
  Object.entries({
    ...DATA_OPERATORS,
    ...LOGIC_OPERATORS,
    ...COMPARISON_OPERATORS,
    ...ARITHMETIC_OPERATORS,
    ...ARRAY_OPERATORS,
    ...STRING_OPERATORS,
    ...FLAGD_OPERATORS,
  }),
);
