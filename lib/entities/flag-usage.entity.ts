import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import { INSTANT_COLUMN, KEY_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * `pg` returns a `bigint` as a string, `mysql2` as a string or a number (its `bigNumberStrings`
 * option), better-sqlite3 as a number: read through Number() so the property is always one. The
 * store keeps every count a safe integer.
 */
const COUNT_TRANSFORMER: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};

/**
 * How often each flag was evaluated, per variant served and UTC day: every instance adds its
 * counts to these rows, so they hold the total of all instances. Table `feature_flag_usage`.
 * @internal
 */
@Entity('feature_flag_usage')
@Index('IDX_feature_flag_usage_day', ['day'])
export class FlagUsageEntity extends FlagTableEntity {
  /** The flag key evaluated (whether or not the flag exists). */
  @PrimaryColumn({ ...KEY_COLUMN, name: 'flag_key' })
  flagKey!: string;

  /** The variant served; '' when none was (the caller's default was returned). */
  @PrimaryColumn({ ...KEY_COLUMN, name: 'variant' })
  variant!: string;

  /** The UTC day, `YYYY-MM-DD`: text, so it reads the same whatever the session time zone. */
  @PrimaryColumn({ type: 'varchar', length: 10, name: 'day' })
  day!: string;

  /**
   * Evaluations that day. `bigint`: a hot flag evaluated on every request of many instances can
   * pass 2^31 in a day, which an `int` would refuse and abort the instances' flushes.
   */
  @Column({ type: 'bigint', name: 'count', transformer: COUNT_TRANSFORMER })
  count!: number;

  /** The latest of those evaluations (UTC), to the precision of the flush that recorded it. */
  @Column({ ...INSTANT_COLUMN, name: 'last_evaluated_at' })
  lastEvaluatedAt!: Date;
}
