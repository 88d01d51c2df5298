import { Controller, Get, Headers } from '@nestjs/common';
import { FlagService, FlagValue } from '../../lib';
import { CheckoutService } from './checkout.service';
import { requestContext } from './request-context';

@Controller()
export class FlagsController {
  constructor(
    private readonly flags: FlagService,
    private readonly checkout: CheckoutService,
  ) {}

  /** Every flag for the caller: value, variant and why. */
  @Get()
  all(@Headers() headers: Record<string, string>) {
    const context = requestContext(headers);
    // No context passed: the request's is ambient (the requestContext option in AppModule).
    const results = this.flags.evaluateAll();
    const flags = Object.fromEntries(
      Object.entries(results).map(([key, { value, variant, reason }]) => [
        key,
        { value, variant, reason },
      ]),
    );
    const on = Object.keys(results).filter((key) => results[key].value === true);
    return { context, revision: this.flags.revision, on, flags };
  }

  /** The checkout flow this caller gets, and its upload limit. */
  @Get('checkout')
  checkoutFlow(@FlagValue('upload-limit-mb', 10) uploadLimitMb: number) {
    return { ...this.checkout.flow(), uploadLimitMb };
  }
}
