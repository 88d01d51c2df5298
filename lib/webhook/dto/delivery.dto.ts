import { Equals, IsArray, IsInt, IsObject, IsString, Max, Min, ValidateBy } from 'class-validator';
import { Optional } from './validate-dto';
import { STORE_LIMITS } from '../../ports/store-limits';

const REVISION_MESSAGE = (field: string) =>
  `${field} must be a whole number from 0 to ${STORE_LIMITS.maxRevision}`;

/** A revision: every store holds it as a signed 32-bit integer. */
function Revision(field: string): PropertyDecorator {
  const message = REVISION_MESSAGE(field);
  return (target, key) => {
    IsInt({ message })(target, key);
    Min(0, { message })(target, key);
    Max(STORE_LIMITS.maxRevision, { message })(target, key);
  };
}

function ObjectOf(what: string): PropertyDecorator {
  return IsObject({ message: `${what} must be an object` });
}

function Names(field: string): PropertyDecorator {
  const message = `${field} must be an array of names`;
  return (target, key) => {
    Optional()(target, key);
    IsArray({ message })(target, key);
    IsString({ each: true, message })(target, key);
  };
}

/**
 * The body of a snapshot delivery: the whole flag set (docs/protocol.md). The flags it carries
 * are validated by the engine with the resulting flag set, not here.
 * @internal
 */
export class SnapshotDeliveryDto {
  @Equals('snapshot')
  kind!: 'snapshot';

  @Revision('revision')
  revision!: number;

  @IsObject({ message: 'a snapshot has a "flags" object of key -> flag definition' })
  flags!: Record<string, unknown>;

  @Optional()
  @ObjectOf('$evaluators')
  $evaluators?: Record<string, unknown>;

  @Optional()
  @ObjectOf('metadata')
  metadata?: Record<string, unknown>;

  @Optional()
  @IsString({ message: '$schema must be a string' })
  $schema?: string;
}

/**
 * The body of a patch delivery: changes to the current revision (docs/protocol.md).
 * @internal
 */
export class PatchDeliveryDto {
  @Equals('patch')
  kind!: 'patch';

  @Revision('revision')
  @ValidateBy({
    name: 'afterBaseRevision',
    validator: {
      validate: (revision, args) =>
        typeof revision !== 'number' ||
        typeof (args?.object as PatchDeliveryDto).baseRevision !== 'number' ||
        revision > (args?.object as PatchDeliveryDto).baseRevision,
      defaultMessage: () => 'revision must be greater than baseRevision',
    },
  })
  revision!: number;

  @Revision('baseRevision')
  baseRevision!: number;

  @Optional()
  @ObjectOf('upsert')
  upsert?: Record<string, unknown>;

  @Names('delete')
  delete?: string[];

  @Optional()
  @ObjectOf('$evaluators')
  $evaluators?: Record<string, unknown>;

  @Names('deleteEvaluators')
  deleteEvaluators?: string[];
}
