import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { FlagsHealthIndicator } from '../../lib';

@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly flagsHealth: FlagsHealthIndicator,
  ) {}

  /**
   * "ok" while the flags served are the store's and the store answers; "degraded" (still 200:
   * flags keep answering from memory) during a database outage, with the revision served and
   * how long ago the store last confirmed it.
   */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.flagsHealth.check('flags')]);
  }
}
