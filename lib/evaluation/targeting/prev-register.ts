/**
 * flagd's JavaScript reference compiles JsonLogic to source code that shares one scratch variable
 * (`prev`) between `var`, `and`, `or`, the comparisons and a few arithmetic forms. A comparison reads
 * it after evaluating its right operand, so what the right operand last wrote there changes how the
 * comparison coerces. We keep the same register so results agree with flagd in every case.
 * Evaluation is synchronous, so one register per process is enough.
 * @internal
 */
export const prevRegister: { value: unknown } = { value: undefined };
