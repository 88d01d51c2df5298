import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

@Controller('metrics')
export class MetricsController {
  /**
   * What Prometheus scrapes: prom-client's default registry, where FlagsModule registers its
   * metrics (evaluations by flag and variant, deliveries, revision served, store health) next to
   * any the application adds.
   */
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
