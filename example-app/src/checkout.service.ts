import { Injectable } from '@nestjs/common';
import { FlagService } from '../../lib';

/**
 * Business code deep inside the app: it asks for flags without passing the caller along, since
 * the request's evaluation context is ambient (FlagsModule's `requestContext` option).
 */
@Injectable()
export class CheckoutService {
  constructor(private readonly flags: FlagService) {}

  flow(): { flow: string; variant?: string; reason: string } {
    // One evaluation for the value and the why: each call counts in the usage report.
    const { value, variant, reason } = this.flags.evaluate('checkout-flow');
    const flow = typeof value === 'string' ? value : 'classic';
    return { flow, ...(variant === undefined ? {} : { variant }), reason };
  }
}
