/** One line of the benchmark table, also written to bench/results.json. */
export interface Row {
  metric: string
  value: number
  unit: string
  /** What the table shows; defaults to the value and unit. */
  display?: string
  target?: string
  ok?: boolean
  note?: string
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value)
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US')
  if (Math.abs(value) >= 100) return value.toFixed(0)
  if (Math.abs(value) >= 10) return value.toFixed(1)
  return value.toFixed(2)
}

function shown(row: Row): string {
  return row.display ?? `${formatNumber(row.value)} ${row.unit}`.trim()
}

export function renderTable(rows: Row[]): string {
  const cells = rows.map((row) => [row.metric, shown(row), row.target ?? '—', row.ok === undefined ? '' : row.ok ? 'yes' : 'NO'])
  const header = ['metric', 'value', 'target', 'ok?']
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)))
  const line = (cell: string[]) =>
    cell
      .map((text, i) => (i === 1 ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join(' | ')
      .trimEnd()
  const rule = widths.map((width) => '-'.repeat(width)).join('-|-')
  return [line(header), rule, ...cells.map(line)].join('\n')
}
