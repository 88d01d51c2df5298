import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { INSTANT_COLUMN, KEY_COLUMN } from './entity-columns';
import { FlagTableEntity } from './flag-table.entity';

/**
 * The deliveries already applied, for replay protection: the primary key makes a second use of
 * a token's `jti` fail. Table `feature_flag_delivery`.
 * @internal
 */
@Entity('feature_flag_delivery')
export class FlagDeliveryEntity extends FlagTableEntity {
  /** The delivery token's `jti`. */
  @PrimaryColumn({ ...KEY_COLUMN, name: 'id' })
  id!: string;

  /** When the delivery was applied (UTC). */
  @Column({ ...INSTANT_COLUMN, name: 'received_at' })
  receivedAt!: Date;

  /** When the token expires (UTC); rows past it can be removed, so this is indexed. */
  @Index('IDX_feature_flag_delivery_expires_at')
  @Column({ ...INSTANT_COLUMN, name: 'expires_at' })
  expiresAt!: Date;
}
