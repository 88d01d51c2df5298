import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { INSTANT_COLUMN, INT_COLUMN, KEY_COLUMN, TEXT_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * The audit log: one row per definition (or metadata) a change actually changed, appended with
 * each change and deleted once older than `changeLogRetentionDays`. Table `feature_flag_change`.
 * @internal
 */
@Entity('feature_flag_change')
@Index('IDX_feature_flag_change_revision', ['revision'])
// Retention deletes entries by age, a batch at a time, without reading the whole log.
@Index('IDX_feature_flag_change_changed_at', ['changedAt'])
export class FlagChangeEntity extends FlagTableEntity {
  /** Increases with every row; readers page through the log with it. */
  @PrimaryGeneratedColumn('increment', { ...INT_COLUMN, name: 'id' })
  id!: number;

  /** The revision the change produced. */
  @Column({ ...INT_COLUMN, name: 'revision' })
  revision!: number;

  /**
   * 'flag', 'evaluator' or 'metadata'. A short varchar rather than an enum: enums are a separate
   * type on PostgreSQL and altering them differs per database.
   */
  @Column({ type: 'varchar', length: 16, name: 'kind' })
  kind!: 'flag' | 'evaluator' | 'metadata';

  /** The flag key or evaluator name; '' for metadata. */
  @Column({ ...KEY_COLUMN, name: 'key' })
  key!: string;

  /** The definition before the change; null when it was created. */
  @Column({ ...TEXT_COLUMN, name: 'before', nullable: true })
  before!: string | null;

  /** The definition after the change; null when it was deleted. */
  @Column({ ...TEXT_COLUMN, name: 'after', nullable: true })
  after!: string | null;

  /** Who made the change (the delivery token's `sub`). */
  @Column({ ...KEY_COLUMN, name: 'actor', nullable: true })
  actor!: string | null;

  /** The delivery that carried the change (the token's `jti`). */
  @Column({ ...KEY_COLUMN, name: 'delivery_id', nullable: true })
  deliveryId!: string | null;

  /** When the change was applied (UTC). */
  @Column({ ...INSTANT_COLUMN, name: 'changed_at' })
  changedAt!: Date;
}
