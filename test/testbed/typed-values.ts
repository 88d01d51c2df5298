/**
 * How a testbed step turns a cell ("1.0", "true", "{}", "null") into a value, given the type
 * named next to it. Mirrors the reference JavaScript SDK's e2e steps (js-sdk-contrib,
 * libs/providers/flagd/src/e2e/step-definitions/utils.ts `mapValueToType`), so that empty cells
 * and odd inputs mean the same thing here as there:
 *
 * - String: the text as is (an empty cell is ""), except `null`, which means "no value".
 * - Integer: `parseInt`; Float and Long: `parseFloat` (so "0.0" is 0 and "1" as Float is 1).
 * - Boolean: true iff the text is "true" (any case); anything else is false.
 * - Object: JSON, except `null`, which means "no value". The testbed writes quotes inside a
 *   quoted step argument as \" (evaluator/gherkin/evaluation.feature); those are unescaped first.
 * - Option types (CacheType, ResolverType, StringList) are kept as text / a list.
 */
import type { ValueType } from './engines';

export function typedValue(text: string, type: string): unknown {
  switch (type) {
    case 'String':
      return text === 'null' ? undefined : text;
    case 'Integer':
      return Number.parseInt(text, 10);
    case 'Float':
    case 'Long':
      return Number.parseFloat(text);
    case 'Boolean':
      return text.toLowerCase() === 'true';
    case 'Object':
      return text === 'null' ? undefined : parseJson(text);
    case 'CacheType':
      return text;
    case 'ResolverType':
      return text.toLowerCase();
    case 'StringList':
      return text.split(',').map((item) => item.trim());
    default:
      throw new Error(`unsupported value type "${type}"`);
  }
}

/** The OpenFeature value type a "<Type>-flag" step evaluates as. */
export function flagValueType(type: string): ValueType {
  switch (type) {
    case 'Boolean':
      return 'boolean';
    case 'String':
      return 'string';
    case 'Integer':
    case 'Float':
      return 'number';
    case 'Object':
      return 'object';
    default:
      throw new Error(`unsupported flag type "${type}"`);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return JSON.parse(text.replace(/\\"/g, '"'));
  }
}
