import { Column, Entity, PrimaryColumn } from 'typeorm';
import { INSTANT_COLUMN, INT_COLUMN, KEY_COLUMN, TEXT_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * One flag's definition, as the control plane sent it. Table `feature_flag_definition`.
 * @internal
 */
@Entity('feature_flag_definition')
export class FlagDefinitionEntity extends FlagTableEntity {
  /** The flag key. */
  @PrimaryColumn({ ...KEY_COLUMN, name: 'key' })
  key!: string;

  /** The flag's JSON, exactly as received. */
  @Column({ ...TEXT_COLUMN, name: 'definition' })
  definition!: string;

  /** The revision at which this definition last changed. */
  @Column({ ...INT_COLUMN, name: 'revision' })
  revision!: number;

  /** When this definition last changed (UTC). */
  @Column({ ...INSTANT_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
