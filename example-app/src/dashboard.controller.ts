import { Controller, Get } from '@nestjs/common';
import { FeatureFlag, FlagValue } from '../../lib';

@Controller()
export class DashboardController {
  /** Exists only for callers the `beta-dashboard` flag is on for (premium and internal plans). */
  @FeatureFlag('beta-dashboard')
  @Get('beta')
  beta(@FlagValue('upload-limit-mb', 10) uploadLimitMb: number) {
    return { dashboard: 'beta', uploadLimitMb };
  }
}
