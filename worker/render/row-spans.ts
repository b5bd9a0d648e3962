/** Row spans over a w × h map: where per-row work has to happen, found once up front. */

export interface RowSpans {
  /** Per row: the span [start, end) in absolute x (x0 + column); start = end when empty. */
  start: Int32Array;
  end: Int32Array;
}

/** Per row, the span from the first to the last cell where `keep(row, column)` holds. */
export function outerSpans(
  w: number,
  h: number,
  x0: number,
  keep: (row: number, column: number) => boolean,
): RowSpans {
  const start = new Int32Array(h);
  const end = new Int32Array(h);
  for (let r = 0; r < h; r++) {
    let first = -1;
    let last = -1;
    for (let c = 0; c < w; c++) {
      if (!keep(r, c)) continue;
      if (first < 0) first = c;
      last = c;
    }
    start[r] = x0 + Math.max(0, first);
    end[r] = first < 0 ? x0 : x0 + last + 1;
  }
  return { start, end };
}

/** Per row, the longest run of consecutive cells where `keep(row, column)` holds. */
export function longestRuns(
  w: number,
  h: number,
  x0: number,
  keep: (row: number, column: number) => boolean,
): RowSpans {
  const start = new Int32Array(h);
  const end = new Int32Array(h);
  for (let r = 0; r < h; r++) {
    let runStart = -1;
    for (let c = 0; c <= w; c++) {
      const inside = c < w && keep(r, c);
      if (inside && runStart < 0) runStart = c;
      if (!inside && runStart >= 0) {
        if (c - runStart > end[r]! - start[r]!) {
          start[r] = x0 + runStart;
          end[r] = x0 + c;
        }
        runStart = -1;
      }
    }
  }
  return { start, end };
}
