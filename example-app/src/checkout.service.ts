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
    const flow = this.flags.getString('checkout-flow', 'classic');
    const { variant, reason } = this.flags.evaluate('checkout-flow');
    return { flow, ...(variant === undefined ? {} : { variant }), reason };
  }
}
