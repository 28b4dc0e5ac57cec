/** Heap and RSS of this process, and whether it is above its memory budget. */
export interface MemoryReport {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  /** 0 = no budget. */
  budgetMb: number;
  overBudget: boolean;
}

const MB = 1024 * 1024;

/**
 * Watches this process's resident memory against a budget (`MEMORY_BUDGET_MB`). Intake paths
 * ask `over()` before taking more work — the relay refuses a new preview, the job runner cuts
 * smaller chunks — so the process slows down instead of growing until the OS kills it. RSS is
 * what the kernel accounts (heap + buffers + code); `process.memoryUsage.rss()` is cheap enough
 * (one read of /proc) to ask per request or per chunk.
 */
export class MemoryWatch {
  constructor(
    readonly budgetMb: number,
    private readonly rss: () => number = () => process.memoryUsage.rss(),
  ) {}

  /** True above the budget (never when the budget is 0). */
  over(): boolean {
    return this.budgetMb > 0 && this.rss() > this.budgetMb * MB;
  }

  report(): MemoryReport {
    const m = process.memoryUsage();
    const rss = this.rss();
    return {
      rssMb: round(rss / MB),
      heapUsedMb: round(m.heapUsed / MB),
      heapTotalMb: round(m.heapTotal / MB),
      budgetMb: this.budgetMb,
      overBudget: this.budgetMb > 0 && rss > this.budgetMb * MB,
    };
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
