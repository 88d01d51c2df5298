import { Column, Entity, PrimaryColumn } from 'typeorm';
import { INSTANT_COLUMN, INT_COLUMN, TEXT_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * The version of the stored flag set: a single row (id 1), written by every change and locked by
 * it, so changes apply one at a time. Table `feature_flag_state`.
 * @internal
 */
@Entity('feature_flag_state')
export class FlagStateEntity extends FlagTableEntity {
  /** Always 1. */
  @PrimaryColumn({ ...INT_COLUMN, name: 'id' })
  id!: number;

  /** The current revision. */
  @Column({ ...INT_COLUMN, name: 'revision' })
  revision!: number;

  /** Hex SHA-256 of the canonical flag set. */
  @Column({ type: 'varchar', length: 64, name: 'checksum' })
  checksum!: string;

  /** The flag set's metadata as JSON text, or null. */
  @Column({ ...TEXT_COLUMN, name: 'metadata', nullable: true })
  metadata!: string | null;

  /** When the last change was applied (UTC). */
  @Column({ ...INSTANT_COLUMN, name: 'updated_at' })
  updatedAt!: Date;
}
