import { IsArray, IsObject, IsString } from 'class-validator';
import { Optional } from './validate-dto';
import type { EvaluationContext } from '../../evaluation';

/**
 * The body of `POST {webhookPath}/evaluate`: `{ "context": {...}, "flags": ["key", ...] }`, both
 * optional.
 * @internal
 */
export class EvaluateRequestDto {
  @Optional()
  @IsObject({ message: 'context must be an object, e.g. {"targetingKey":"u1"}' })
  context?: EvaluationContext;

  @Optional()
  @IsArray({ message: 'flags must be an array of flag keys (omit it for all)' })
  @IsString({ each: true, message: 'flags must be an array of flag keys (omit it for all)' })
  flags?: string[];
}
