import type { PerParentDistribution } from '@rowflow/contracts';

export const PER_PARENT_DISTRIBUTIONS: readonly PerParentDistribution[] = ['fixed', 'uniform', 'poisson', 'zipf'];
