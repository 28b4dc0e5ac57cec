import type { DatasetTableSpec } from '@rowflow/contracts';

/** A parent table of the test datasets: 3000 customers with a serial key and a unique email. */
export const CUSTOMERS: DatasetTableSpec = {
  name: 'customers',
  rows: 3000,
  columns: [
    { name: 'id', type: 'serial', primaryKey: true },
    { name: 'email', type: 'email', unique: true },
    { name: 'name', type: 'fullName' },
  ],
};
