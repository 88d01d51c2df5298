import { Controller, Get, Headers } from '@nestjs/common';
import { FlagService } from '../../lib';
import { requestContext } from './request-context';

@Controller()
export class FlagsController {
  constructor(private readonly flags: FlagService) {}

  /** Every flag for the caller: value, variant and why. */
  @Get()
  all(@Headers() headers: Record<string, string>) {
    const context = requestContext(headers);
    const results = this.flags.evaluateAll(context);
    const flags = Object.fromEntries(
      Object.entries(results).map(([key, { value, variant, reason }]) => [
        key,
        { value, variant, reason },
      ]),
    );
    const on = Object.keys(results).filter((key) => results[key].value === true);
    return { context, revision: this.flags.revision, on, flags };
  }

  /** The checkout flow this caller gets. */
  @Get('checkout')
  checkout(@Headers() headers: Record<string, string>) {
    const context = requestContext(headers);
    const flow = this.flags.getString('checkout-flow', 'classic', context);
    const { variant, reason } = this.flags.evaluate('checkout-flow', context);
    return {
      flow,
      variant,
      reason,
      uploadLimitMb: this.flags.getNumber('upload-limit-mb', 10, context),
    };
  }
}
