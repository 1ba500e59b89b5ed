/**
 * The part of rich's `Table` (rich 13–15, rich/table.py, rich/text.py, rich/_wrap.py) that Keras 3's
 * `model.summary()` uses: fixed column widths squeezed into the table width, cells padded by one space, word
 * wrapping without folding (a word longer than its cell is cut with "…"), left or right justification,
 * the HEAVY_HEAD box and a rule between rows (`show_lines=True`). Reproduced so that our summary is Keras 3's
 * text character for character; cells are measured in code points (names are ASCII in practice).
 */

export type Justify = 'left' | 'right';

export interface BoxColumn {
  header: string;
  justify: Justify;
  /** `rich.table.Column(width=...)`: the content width asked for, before the table squeezes it. */
  width: number;
}

/** Python's `round()`: halves go to the even neighbour (rich's `ratio_reduce` depends on it). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** rich/_ratio.py `ratio_reduce`: take `total` away from `values`, spread by `ratios`, at most `maximums`. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  const rs = ratios.map((r, i) => (maximums[i] ? r : 0));
  let totalRatio = rs.reduce((a, b) => a + b, 0);
  if (!totalRatio) return [...values];
  let remaining = total;
  return values.map((value, i) => {
    const ratio = rs[i]!;
    if (!ratio || totalRatio <= 0) return value;
    const distributed = Math.min(maximums[i]!, roundHalfEven((ratio * remaining) / totalRatio));
    remaining -= distributed;
    totalRatio -= ratio;
    return value - distributed;
  });
}

/**
 * rich's `Table._calculate_column_widths` for columns of fixed width: each column measures its width plus
 * its padding (2); the borders take `columns + 1` cells; whatever exceeds the table's width is taken away
 * evenly (fixed-width columns cannot wrap). Returns each column's width including its padding.
 */
export function columnWidths(columns: readonly BoxColumn[], tableWidth: number): number[] {
  const widths = columns.map((c) => c.width + 2);
  const maxWidth = tableWidth - (columns.length + 1);
  const sum = widths.reduce((a, b) => a + b, 0);
  if (sum <= maxWidth) return widths;
  return ratioReduce(sum - maxWidth, columns.map(() => 1), widths, widths);
}

/** rich/_wrap.py `divide_line` with `fold=False`: where to break `text` so each line fits `width`. */
function divideLine(text: string, width: number): number[] {
  const breaks: number[] = [];
  let offset = 0;
  for (const m of text.matchAll(/\s*\S+\s*/g)) {
    const start = m.index!;
    const word = m[0];
    const length = word.trimEnd().length;
    if (width - offset >= length) offset += word.length;
    else if (length > width) {
      if (start) breaks.push(start);
      offset = word.length;
    } else if (offset && start) {
      breaks.push(start);
      offset = word.length;
    }
  }
  return breaks;
}

/** `Text.truncate(width, overflow="ellipsis")`. */
function truncate(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
}

/** `Text.wrap(width, justify, overflow="ellipsis")` followed by the padding of `render_lines`. */
export function wrapCell(text: string, width: number, justify: Justify): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    const breaks = [...divideLine(paragraph, width), paragraph.length];
    let from = 0;
    for (const to of breaks) {
      let line = paragraph.slice(from, to);
      from = to;
      // `rstrip_end`: trailing spaces beyond the width go first.
      if (line.length > width) {
        const spaces = line.length - line.trimEnd().length;
        line = line.slice(0, line.length - Math.min(spaces, line.length - width));
      }
      if (justify === 'right') {
        line = truncate(line.trimEnd(), width);
        line = ' '.repeat(width - line.length) + line;
      } else {
        line = truncate(line, width);
        line += ' '.repeat(Math.max(0, width - line.length));
      }
      out.push(line);
    }
  }
  return out;
}

/** rich/box.py HEAVY_HEAD: top, header row, rule under the header, body rows, rules between rows, bottom. */
const HEAVY_HEAD = {
  top: ['┏', '━', '┳', '┓'],
  head: ['┃', '┃', '┃'],
  headRule: ['┡', '━', '╇', '┩'],
  body: ['│', '│', '│'],
  rowRule: ['├', '─', '┼', '┤'],
  bottom: ['└', '─', '┴', '┘'],
} as const;

function rule([left, fill, cross, right]: readonly string[], widths: number[]): string {
  return `${left}${widths.map((w) => fill!.repeat(w)).join(cross)}${right}`;
}

/** One table row (possibly several lines tall); the header is aligned to the bottom, body rows to the top. */
function renderRow(cells: readonly string[], columns: readonly BoxColumn[], widths: number[], header: boolean): string[] {
  const wrapped = cells.map((c, i) => wrapCell(c, widths[i]! - 2, columns[i]!.justify));
  const height = Math.max(1, ...wrapped.map((w) => w.length));
  const filled = wrapped.map((lines, i) => {
    const blank = ' '.repeat(widths[i]! - 2);
    const pad = Array.from({ length: height - lines.length }, () => blank);
    return header ? [...pad, ...lines] : [...lines, ...pad];
  });
  const [left, vertical, right] = header ? HEAVY_HEAD.head : HEAVY_HEAD.body;
  return Array.from({ length: height }, (_, line) => `${left}${filled.map((c) => ` ${c[line]} `).join(vertical)}${right}`);
}

/** The whole table as rich prints it with `show_lines=True` and a fixed `width`. */
export function renderBoxTable(columns: readonly BoxColumn[], rows: readonly (readonly string[])[], tableWidth: number): string[] {
  const widths = columnWidths(columns, tableWidth);
  const lines = [rule(HEAVY_HEAD.top, widths), ...renderRow(columns.map((c) => c.header), columns, widths, true), rule(HEAVY_HEAD.headRule, widths)];
  rows.forEach((r, i) => {
    if (i > 0) lines.push(rule(HEAVY_HEAD.rowRule, widths));
    lines.push(...renderRow(r, columns, widths, false));
  });
  lines.push(rule(HEAVY_HEAD.bottom, widths));
  return lines;
}
