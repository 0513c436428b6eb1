// What a profile remembers of its events or purchases: a count of every one
// (in total and per name), and the latest few in full. The full ones are
// bounded per profile and across the whole store, so a replay of millions of
// events runs in flat memory however many profiles it builds.

/**
 * The store-wide bound: the entries recorded longest ago, in any profile, go
 * first. Every entry a history holds has one (history, seq) here, so the
 * bound is exact; an entry its own history already dropped leaves a stale
 * pair, which costs nothing when its turn comes.
 */
export class HistoryBudget {
  /** Oldest first from `head`. */
  private owners: Array<History<unknown> | undefined> = []
  private seqs: number[] = []
  private head = 0

  constructor(readonly max: number) {}

  noteRecorded(history: History<unknown>, seq: number): void {
    this.owners.push(history)
    this.seqs.push(seq)
    while (this.owners.length - this.head > this.max) {
      this.owners[this.head]?.forget(this.seqs[this.head]!)
      this.owners[this.head] = undefined
      this.head += 1
    }
    if (this.head >= 4096 && this.head * 2 >= this.owners.length) {
      this.owners = this.owners.slice(this.head)
      this.seqs = this.seqs.slice(this.head)
      this.head = 0
    }
  }

  clear(): void {
    this.owners = []
    this.seqs = []
    this.head = 0
  }
}

export class History<T> {
  /**
   * The latest items, oldest first from `head`, as JSON: one flat string per
   * item is the most compact form, and every read is a fresh copy.
   */
  private entries: string[] = []
  /** Each entry's store-wide sequence number, so two histories merge in the order things happened. */
  private seqs: number[] = []
  private head = 0
  private total = 0
  private readonly byKey = new Map<string, number>()
  /** Set once merged into another history: the budget's evictions of our old entries go there. */
  private movedTo: History<T> | undefined

  constructor(
    private readonly limit: number,
    private readonly budget?: HistoryBudget
  ) {}

  record(seq: number, key: string, item: T): void {
    this.total += 1
    this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1)
    if (this.limit === 0) return
    this.entries.push(JSON.stringify(item))
    this.seqs.push(seq)
    if (this.entries.length - this.head > this.limit) this.dropOldest()
    this.budget?.noteRecorded(this as History<unknown>, seq)
  }

  /** The budget's eviction of one entry, if this history still holds it. */
  forget(seq: number): void {
    if (this.movedTo) return this.movedTo.forget(seq)
    const index = this.seqs.indexOf(seq, this.head)
    if (index === this.head) return this.dropOldest()
    if (index < 0) return
    // Only after a merge is an entry the budget finds oldest not this history's oldest.
    this.entries.splice(index, 1)
    this.seqs.splice(index, 1)
  }

  /** Adds everything of `other` (counts summed, the latest of both kept), as a merge of two profiles does. */
  absorb(other: History<T>): void {
    this.total += other.total
    for (const [key, count] of other.byKey) this.byKey.set(key, (this.byKey.get(key) ?? 0) + count)
    if (this.limit === 0) return
    const latest = [...this.live(), ...other.live()].sort((a, b) => a.seq - b.seq).slice(-this.limit)
    this.entries = latest.map(({ entry }) => entry)
    this.seqs = latest.map(({ seq }) => seq)
    this.head = 0
    other.entries = []
    other.seqs = []
    other.head = 0
    other.movedTo = this
  }

  /** The latest items, oldest first, as fresh copies. */
  latest(): T[] {
    return this.live().map(({ entry }) => JSON.parse(entry) as T)
  }

  count(): number {
    return this.total
  }

  counts(): Record<string, number> {
    return Object.fromEntries(this.byKey)
  }

  private live(): Array<{ entry: string; seq: number }> {
    return this.entries.slice(this.head).map((entry, index) => ({ entry, seq: this.seqs[this.head + index]! }))
  }

  private dropOldest(): void {
    this.entries[this.head] = ''
    this.head += 1
    // Compacted once the dropped slots outnumber the live ones: amortised O(1), and at most 2 × limit slots.
    if (this.head >= this.entries.length - this.head) {
      this.entries = this.entries.slice(this.head)
      this.seqs = this.seqs.slice(this.head)
      this.head = 0
    }
  }
}
