import { Controller, Get, Headers } from '@nestjs/common';
import { FlagService, FlagStore } from '../../lib';
import { requestContext } from './request-context';

@Controller()
export class FlagsController {
  constructor(
    private readonly flags: FlagService,
    private readonly store: FlagStore,
  ) {}

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

  /** Up, which flags revision is served, and whether the store answers right now. */
  @Get('health')
  async health() {
    const status = this.flags.status();
    const storeReachable = await Promise.race([
      this.store.state().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000).unref()),
    ]);
    return {
      status: storeReachable && status.source === 'store' ? 'up' : 'degraded',
      flags: { revision: status.revision, source: status.source, loadedAt: status.loadedAt },
      store: {
        reachable: storeReachable,
        ...(status.lastError ? { lastError: status.lastError } : {}),
      },
    };
  }
}
