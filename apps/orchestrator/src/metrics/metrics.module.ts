import { ProcessMetricsModule } from '@rowflow/platform-nest';
import { MetricsService } from './metrics.service.js';

/** GET /metrics, per-endpoint request counts, and the MetricsService other features report to. */
export const MetricsModule = ProcessMetricsModule.for(MetricsService);
