import type { DatasetSpec, DatasetTableSpec } from '@rowflow/contracts';

/**
 * Tables `t` reads when its rows are generated: foreign key parents (single and composite) and its
 * perParent table; and a reference's `via` table, not read but named, so the slice validates.
 */
function parentsOf(t: DatasetTableSpec): string[] {
  const refs = t.columns.flatMap((c) => (c.type === 'foreignKey' && c.references?.table ? [c.references.table, ...(c.references.via ? [c.references.via] : [])] : []));
  const composite = (t.foreignKeys ?? []).map((fk) => fk.references.table);
  return t.perParent ? [...refs, ...composite, t.perParent.table] : [...refs, ...composite];
}

/**
 * The part of a dataset one table's rows are generated from: the table and, transitively,
 * every table it references (foreign key parents, the perParent table), in dataset order.
 * Generation reads nothing else — a value depends on the seed, its table's name and spec, and
 * its parents' specs and row counts — so the bytes are those of the whole dataset. What it
 * saves: the generator validates and plans the dataset it is given for every chunk stream, and
 * a 1,000-table dataset took ~120 ms to validate, once per partition of each of its tables.
 */
export function datasetSlice(dataset: DatasetSpec, table: string, byName = tablesByName(dataset)): DatasetSpec {
  const keep = new Set<string>();
  const visit = (name: string): void => {
    const t = byName.get(name);
    if (!t || keep.has(name)) return;
    keep.add(name);
    parentsOf(t).forEach(visit);
  };
  visit(table);
  if (keep.size === dataset.tables.length) return dataset;
  return { ...dataset, tables: dataset.tables.filter((t) => keep.has(t.name)) };
}

function tablesByName(dataset: DatasetSpec): Map<string, DatasetTableSpec> {
  return new Map(dataset.tables.map((t) => [t.name, t]));
}

/** A job's dataset and the slices of it cut so far. */
interface CachedDataset {
  dataset: DatasetSpec;
  byName: Map<string, DatasetTableSpec>;
  slices: Map<string, DatasetSpec>;
}

/**
 * Each dataset job's table slices, read once per job and process: a job's dataset never
 * changes after creation, and parsing a large one on every partition claim (it is stored as
 * one jsonb value with the job) cost as much as the partition's load. Keeps the last few jobs.
 */
export class DatasetSlices {
  private readonly jobs = new Map<string, CachedDataset>();

  constructor(
    private readonly load: (jobId: string) => Promise<DatasetSpec | null>,
    private readonly keep = 4,
  ) {}

  /** The slice of job `jobId`'s dataset for `table`; null for a single-table job. */
  async of(jobId: string, table: string): Promise<DatasetSpec | null> {
    const cached = await this.job(jobId);
    if (!cached) return null;
    let slice = cached.slices.get(table);
    if (!slice) {
      slice = datasetSlice(cached.dataset, table, cached.byName);
      cached.slices.set(table, slice);
    }
    return slice;
  }

  private async job(jobId: string): Promise<CachedDataset | null> {
    const hit = this.jobs.get(jobId);
    if (hit) {
      this.jobs.delete(jobId);
      this.jobs.set(jobId, hit);
      return hit;
    }
    const dataset = await this.load(jobId);
    if (!dataset) return null;
    const entry = { dataset, byName: tablesByName(dataset), slices: new Map<string, DatasetSpec>() };
    this.jobs.set(jobId, entry);
    if (this.jobs.size > this.keep) this.jobs.delete(this.jobs.keys().next().value as string);
    return entry;
  }
}
