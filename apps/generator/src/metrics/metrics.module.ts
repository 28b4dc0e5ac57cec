import { ProcessMetricsModule } from '@rowflow/platform-nest';
import { MetricsService } from './metrics.service.js';

/** GET /metrics, per-endpoint request counts, stream metrics and the memory watch. */
export const MetricsModule = ProcessMetricsModule.for(MetricsService);
