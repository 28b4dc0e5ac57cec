import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';
import { rowAt, type RowStore } from '../lib/row-store.js';

const ROW_HEIGHT = 28;
const COL_WIDTH = 160;
const INDEX_WIDTH = 64;

/**
 * Virtualized preview grid: only the visible rows (plus overscan) are in the DOM, so 100k+ kept
 * rows scroll as smoothly as 100.
 */
export function RowsTable({ store, columns }: { store: RowStore; columns: string[] }) {
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: store.size, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const template = `${INDEX_WIDTH}px repeat(${columns.length}, minmax(${COL_WIDTH}px, 1fr))`;
  const minWidth = INDEX_WIDTH + columns.length * COL_WIDTH;
  return (
    <div className="grid-scroll" ref={scroller} role="table" aria-label="Preview rows" aria-rowcount={store.size + 1} data-testid="preview-table" tabIndex={0}>
      <div role="rowgroup" className="grid-head" style={{ minWidth }}>
        <div role="row" className="grid-row" style={{ gridTemplateColumns: template }}>
          <div role="columnheader" className="cell-index">#</div>
          {columns.map((c) => (
            <div role="columnheader" key={c} title={c}>
              {c}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="grid-body" style={{ height: v.getTotalSize(), minWidth }}>
        {v.getVirtualItems().map((item) => {
          const row = rowAt(store, item.index);
          return (
            <div role="row" aria-rowindex={item.index + 2} key={item.key} className="grid-row" style={{ gridTemplateColumns: template, height: ROW_HEIGHT, transform: `translateY(${item.start}px)` }}>
              <div role="cell" className="cell-index">
                {item.index + 1}
              </div>
              {columns.map((c) => (
                <Cell key={c} value={row?.[c]} />
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function Cell({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <div role="cell" className="cell-null">NULL</div>;
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return (
    <div role="cell" title={text.length > 20 ? text : undefined}>
      {text}
    </div>
  );
}
