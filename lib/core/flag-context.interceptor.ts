import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import { FlagContextStorage } from './flag-context.storage';
import { RequestContextResolver } from './request-context.resolver';

/**
 * Makes the request's evaluation context ambient while its handler runs, so `FlagService`
 * calls anywhere below it use it without passing it along. The context is built only if a flag
 * is evaluated. Registered globally by `FlagsModule`.
 * @internal
 */
@Injectable()
export class FlagContextInterceptor implements NestInterceptor {
  constructor(
    private readonly storage: FlagContextStorage,
    private readonly resolver: RequestContextResolver,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Subscribing inside the context too keeps it for handlers behind other interceptors that
    // defer next.handle() (e.g. OpenFeature's EvaluationContextInterceptor).
    const build = () => this.resolver.resolve(context);
    return new Observable((subscriber) =>
      this.storage.run(build, () => next.handle().subscribe(subscriber)),
    );
  }
}
