// How the tools say numbers, counts and durations to people.

/** `1 event`, `2 events`, `1,200 events`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count(n)} ${n === 1 ? singular : pluralForm}`
}

/** `1,234,567` */
export function count(n: number): string {
  return n.toLocaleString('en-US')
}

/** `350 ms`, `4.2 s`, `1 min 42 s`, `2 h 5 min`. */
export function duration(ms: number): string {
  // Rounded before the unit is chosen: 999.7 ms is "1.0 s", not "1000 ms".
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`
  if (Math.round(ms / 100) < 600) return `${(ms / 1000).toFixed(1)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  const minutes = Math.round(seconds / 60)
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
