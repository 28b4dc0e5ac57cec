import type { GeometryType } from '@rowflow/contracts';
import { describe, expect, it } from 'vitest';
import { ColumnRandom } from './column.js';
import { RowContext } from './row-context.js';
import { geometryColumn } from './values-geometry.js';

type Pt = [number, number];

/** Rings of a POLYGON/MULTIPOLYGON WKT body, as point lists. */
function rings(wkt: string): Pt[][] {
  return [...wkt.matchAll(/\(([-\d. ,]+)\)/g)].map((m) => m[1]!.split(',').map((p) => p.trim().split(' ').map(Number) as Pt));
}

function cross(o: Pt, a: Pt, b: Pt): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Proper intersection of segments ab and cd (shared endpoints of neighbours do not count). */
function intersects(a: Pt, b: Pt, c: Pt, d: Pt): boolean {
  return cross(a, b, c) * cross(a, b, d) < 0 && cross(c, d, a) * cross(c, d, b) < 0;
}

function isSimpleClosedRing(ring: Pt[]): boolean {
  const [first, last] = [ring[0]!, ring[ring.length - 1]!];
  if (ring.length < 4 || first[0] !== last[0] || first[1] !== last[1]) return false;
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (intersects(ring[i]!, ring[i + 1]!, ring[j]!, ring[j + 1]!)) return false;
    }
  }
  return true;
}

function values(geometryType: GeometryType, srid?: number): string[] {
  const col = { name: 'g', type: 'geometry' as const, geometryType, ...(srid ? { srid } : {}) };
  const random = new ColumnRandom(1, 't', 'g');
  const compiled = geometryColumn({ seed: 1, table: 't', col, random, keyOffset: 0 });
  const row = new RowContext(1, 't');
  return Array.from({ length: 2000 }, (_, k) => {
    row.setRow(k);
    return String(compiled.value(row));
  });
}

describe('geometry values', () => {
  it('polygons: closed rings that never cross themselves; multipolygon parts do not overlap', () => {
    for (const type of ['Polygon', 'MultiPolygon'] as const) {
      for (const v of values(type)) {
        expect(v).toMatch(new RegExp(`^SRID=4326;${type.toUpperCase()}\\(`));
        const parts = rings(v);
        for (const r of parts) expect(isSimpleClosedRing(r), v).toBe(true);
        const boxes = parts.map((r) => [Math.min(...r.map((p) => p[0])), Math.max(...r.map((p) => p[0]))]);
        boxes.forEach((b, i) => boxes.slice(i + 1).forEach((o) => expect(b[1]! < o[0]! || o[1]! < b[0]!).toBe(true)));
      }
    }
  });

  it('coordinates stay in longitude/latitude for 4326 and in the projected square otherwise', () => {
    for (const v of values('LineString')) {
      for (const [x, y] of rings(`(${v.slice(v.indexOf('(') + 1)}`)[0]!) {
        expect(Math.abs(x)).toBeLessThanOrEqual(180);
        expect(Math.abs(y)).toBeLessThan(82);
      }
    }
    expect(values('MultiPoint', 3857).every((v) => /^SRID=3857;MULTIPOINT\(\(\d+(\.\d+)? \d+(\.\d+)?\)(,\(\d+(\.\d+)? \d+(\.\d+)?\))*\)$/.test(v))).toBe(true);
  });
});
