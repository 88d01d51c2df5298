import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Observable } from 'rxjs';
import { EvaluationObserver } from './evaluation-observer';
import { FlagContextStorage } from './flag-context.storage';
import { RequestContextResolver } from './request-context.resolver';

/**
 * Makes the request ambient while its handler runs, so `FlagService` calls anywhere below it use
 * its evaluation context without passing it along. The context is built only if a flag is
 * evaluated. With telemetry active, what the request's evaluations record on (the span active
 * here, if it records) is captured here, once, so that they need not look it up each.
 * Registered globally by `FlagsModule`.
 * @internal
 */
@Injectable()
export class FlagContextInterceptor implements NestInterceptor {
  constructor(
    private readonly storage: FlagContextStorage,
    private readonly resolver: RequestContextResolver,
    private readonly observer: EvaluationObserver,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    // Subscribing inside the context too keeps it for handlers behind other interceptors that
    // defer next.handle() (e.g. OpenFeature's EvaluationContextInterceptor).
    const build = () => this.resolver.resolve(context);
    const traceTarget = this.observer.requestTraceTarget();
    return new Observable((subscriber) =>
      this.storage.run(build, traceTarget, () => next.handle().subscribe(subscriber)),
    );
  }
}
