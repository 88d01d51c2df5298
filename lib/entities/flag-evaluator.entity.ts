import { Column, Entity, PrimaryColumn } from 'typeorm';
import { INSTANT_COLUMN, INT_COLUMN, KEY_COLUMN, TEXT_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * One shared evaluator (an entry of `$evaluators`), as the control plane sent it. Table
 * `feature_flag_evaluator`.
 * @internal
 */
@Entity('feature_flag_evaluator')
export class FlagEvaluatorEntity extends FlagTableEntity {
  /** The evaluator's name, as used in `{"$ref": "name"}`. */
  @PrimaryColumn({ ...KEY_COLUMN, name: 'name' })
  name!: string;

  /** The evaluator's JSON, exactly as received. */
  @Column({ ...TEXT_COLUMN, name: 'definition' })
  definition!: string;

  /** The revision at which this evaluator last changed. */
  @Column({ ...INT_COLUMN, name: 'revision' })
  revision!: number;

  /** When this evaluator last changed (UTC). */
  @Column({ ...INSTANT_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
