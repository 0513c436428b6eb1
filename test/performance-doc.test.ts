// The README's performance table is the one generated from the committed
// bench/results.json: after `npm run bench`, `npm run docs` must follow.
import { readFileSync } from 'node:fs'
import { renderPerformanceTable, RESULTS_FILE, withPerformanceTable, type BenchResults } from '../src/tools/performance-doc'
import { README } from '../src/tools/settings-doc'

const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as BenchResults

test('the README shows the figures of bench/results.json (run npm run docs)', () => {
  const readme = readFileSync(README, 'utf8')
  expect(withPerformanceTable(readme, results)).toBe(readme)
})

test('every row of the bench is in the table, with its value, target and whether it was met', () => {
  const table = renderPerformanceTable({
    machine: { cpu: 'Test CPU', cores: 2, node: 'v20.20.2', os: 'linux', date: '2026-12-01T05:00:00.000Z', loadAverage: [0.5, 0.4, 0.3] },
    rows: [
      {
        metric: 'replay, 1 M events: wall time',
        value: 41.23,
        unit: 's',
        display: '41.2 s (24,254 events/s)',
        target: '≤ 60 s',
        ok: true,
        note: 'start to exit'
      },
      { metric: '  same: peak memory', value: 310, unit: 'MB', target: '≤ 300 MB', ok: false },
      { metric: 'bundle size', value: 94.1, unit: 'KB' }
    ]
  })
  expect(table.split('\n')).toEqual([
    'Measured by `npm run bench` on Test CPU, 2 cores, Node.js 20.20.2, linux, 2026-12-01, load average at start 0.5 0.4 0.3.',
    '',
    '| metric | value | target | met in this run? | what it means |',
    '|---|---|---|---|---|',
    '| replay, 1 M events: wall time | 41.2 s (24,254 events/s) | ≤ 60 s | yes | start to exit |',
    '| same: peak memory | 310 MB | ≤ 300 MB | **no** |  |',
    '| bundle size | 94.1 KB | — |  |  |'
  ])
})
