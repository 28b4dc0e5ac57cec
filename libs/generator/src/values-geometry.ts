import type { GeometryType } from '@rowflow/contracts';
import { DEFAULT_SRID } from '@rowflow/schema';
import type { ColumnCompiler } from './column.js';
import type { Rng } from './hash.js';

/** Extent shapes are drawn in: longitude/latitude for 4326 and geography (away from the poles), a 100 km square otherwise. */
interface Extent {
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** Largest polygon/line radius. */
  radius: number;
}

const GEODETIC: Extent = { x0: -180, y0: -80, width: 360, height: 160, radius: 0.5 };
const PROJECTED: Extent = { x0: 0, y0: 0, width: 100_000, height: 100_000, radius: 500 };

/** Six decimals: about 0.1 m in degrees; no exponent notation (String of a rounded number ≥ 1e-6). */
function num(x: number): string {
  return String(Math.round(x * 1e6) / 1e6);
}

function pt(x: number, y: number): string {
  return `${num(x)} ${num(y)}`;
}

/** A centre whose disc of `radius` stays inside the cell [x0, x0 + width) of the extent. */
function centre(r: Rng, e: Extent, x0: number, width: number): [number, number] {
  return [x0 + e.radius + r.float() * (width - 2 * e.radius), e.y0 + e.radius + r.float() * (e.height - 2 * e.radius)];
}

/** A star-shaped ring: 3..8 vertices at increasing angles, radii in [radius/2, radius]: simple, closed, counter-clockwise. */
function ring(r: Rng, cx: number, cy: number, radius: number): string {
  const n = 3 + r.below(6);
  const pts: string[] = [];
  for (let i = 0; i < n; i++) {
    // One vertex per sector of 2π/n: angles strictly increase, so edges never cross.
    const angle = ((i + 0.1 + 0.8 * r.float()) / n) * 2 * Math.PI;
    const d = radius * (0.5 + 0.5 * r.float());
    pts.push(pt(cx + d * Math.cos(angle), cy + d * Math.sin(angle)));
  }
  return `(${pts.join(',')},${pts[0]})`;
}

/** 2..5 points of a walk with steps of at most `radius`, all distinct. */
function line(r: Rng, cx: number, cy: number, radius: number): string {
  const pts = [pt(cx, cy)];
  let [x, y] = [cx, cy];
  for (let n = 1 + r.below(4); n > 0; n--) {
    const angle = r.float() * 2 * Math.PI;
    const d = radius * (0.2 + 0.8 * r.float());
    [x, y] = [x + d * Math.cos(angle), y + d * Math.sin(angle)];
    pts.push(pt(x, y));
  }
  return `(${pts.join(',')})`;
}

type Part = (r: Rng, cx: number, cy: number, radius: number) => string;
const PARTS: Record<'Point' | 'LineString' | 'Polygon', Part> = {
  Point: (_r, cx, cy) => `(${pt(cx, cy)})`,
  LineString: line,
  Polygon: (r, cx, cy, radius) => `(${ring(r, cx, cy, radius)})`,
};

/** One shape of `type` as WKT; multi-shapes put each part in its own vertical strip, so polygons never overlap. */
function shape(type: GeometryType, r: Rng, e: Extent): string {
  const multi = type.startsWith('Multi');
  const single = (multi ? type.slice(5) : type) as keyof typeof PARTS;
  const parts = multi ? 1 + r.below(3) : 1;
  const strip = e.width / parts;
  const out: string[] = [];
  for (let i = 0; i < parts; i++) {
    const [cx, cy] = centre(r, e, e.x0 + i * strip, strip);
    out.push(PARTS[single](r, cx, cy, e.radius));
  }
  return `${type.toUpperCase()}${multi ? `(${out.join(',')})` : out[0]!}`;
}

/** geometry / geography as EWKT (`SRID=4326;POINT(13.4 52.5)`): valid shapes of the declared type and SRID. */
export const geometryColumn: ColumnCompiler = ({ col, random }) => {
  const srid = col.srid ?? DEFAULT_SRID;
  const type = col.geometryType ?? 'Point';
  const extent = srid === DEFAULT_SRID || col.geography ? GEODETIC : PROJECTED;
  const prefix = `SRID=${srid};`;
  return { kind: 'text', value: (row) => prefix + shape(type, random.at(row), extent) };
};
