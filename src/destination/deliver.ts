// Sends a delivery plan to Braze under one deadline and traces every answer
// back to the events behind it. An event is delivered only when Braze
// accepted every object it contributed to and every merge it asked for.
//
// Rounds, so that an invocation costs one Braze round trip when nothing needs
// ordering and two when something does:
//   1. every /users/track request of the plan, at once;
//   2. then, at once: the first parts of an anonymous visitor's events that had
//      to wait for the object creating the alias's profile (DeliveryPlan.deferred,
//      after the resend below when that object was refused; those events' later
//      parts and merges follow them); the merges of the events whose objects Braze accepted
//      (a merge needs the profile it keeps to exist: Braze is consistent "10-100ms"
//      after an answer under normal conditions, and a function cannot wait the
//      5 minutes it recommends, https://www.braze.com/docs/api/api_limits/#optimal-delay-between-endpoints);
//      the later parts of split
//      events, one after another, each chain on its own; the attributes of
//      events whose merged object Braze refused, resent unmerged (in time
//      order) so that a valid neighbour is not rejected for another event's
//      value; and /users/delete, so that a track of the same batch cannot
//      recreate the profile a delete removed.
// A merge of a profile that round 2 still writes to (a split event's later
// parts, a resend) waits for those writes, which would recreate the profile
// it removed; a merge whose outcome depends on an earlier one's (the same
// profile merged twice, a chain) waits for its answer (merge-order.ts), a
// third round trip that only such batches pay; a delete waits for every write
// and for the merges of its profile, so that it comes last.
// Before all that: when an event keyed by an email comes before an event that
// gives that email to a user, the second waits for the first to be delivered
// (contact-rounds.ts); most batches need no such wait.
import { callBraze, type BrazeConnection, type BrazePath, type CallOutcome } from './braze-client'
import { identityKey, type BrazeAttributes, type MergeUpdate } from './braze-types'
import { inTimeOrder, isArrayEdit, timeRanks } from './merge-attributes'
import { dependsOn, mergeWaves, profilesOf, type MergeProfiles } from './merge-order'
import { fingerprint, openMemory, type DeliveryMemory } from './delivery-memory'
import { MAX_COMBINED_OBJECTS_MAU, MAX_INPUT_LENGTH_MESSAGE, MAX_USERS_ENTRIES_PER_REQUEST } from './braze-limits'
import { contactRounds, touchesOf } from './contact-rounds'
import { profileKey, profilesWritten } from './contact'
import { copiesOf } from './message-copies'
import { chunked, planDelivery, requestLimits, type DeliveryPlan, type Owned } from './delivery-plan'
import { attributeNames, byExternalId, isPlainValue } from './unchanged-attributes'
import { packInOrder, smallerRequests, usersOf, type RequestLimits } from './batch-packer'
import type { EventPlan } from './plan'
import { isDict } from './segment-event'
import { bodyOf, emptyBundle, item, itemsOf, sizeOf, type Bundle, type Item, type PartToken } from './track-bundle'

export interface EventFailure {
  /** `invalid`: the event itself is unusable, refused before anything was sent (Segment's InvalidEventPayload). */
  kind: 'retry' | 'reject' | 'invalid'
  message: string
  /** A reject because Braze refused one of the event's objects by name: sent again, it would be refused again. */
  objectRefused?: true
}

interface CallReport {
  path: BrazePath
  body: Record<string, unknown>
  outcome: CallOutcome
  /** How long Braze took to answer. */
  ms: number
}

export interface DeliveryReport {
  /** Per input event: what went wrong (empty = delivered). */
  failures: EventFailure[][]
  /** Per input event: Braze had accepted all of it in an earlier invocation, so nothing was sent. */
  alreadyDelivered: boolean[]
  /** Per failed input event: the parts Braze accepted, in this invocation or (the memory says) an earlier one. */
  accepted: Array<ReadonlySet<PartToken>>
  calls: CallReport[]
  unchangedAttributes: number
  /** What the user should know about the invocation as a whole, such as a setting that would save a round trip. */
  notices: string[]
  /** Per input event: what delivery adds to its mapping's warnings. */
  warnings: string[][]
}

export interface DeliveryOptions {
  connection: BrazeConnection
  maxObjectsPerRequest: number
  skipUnchangedAttributes: boolean
  /** Remember a message by its messageId and its content, not its id alone (contentsOf). */
  byContent?: boolean
  /** The longest an earlier contact round's call to Braze took (timeForFollowUp). */
  slowestCallMs?: number
}

/**
 * A request that could be accepted twice (a later part of an event, a resend)
 * starts only with this much time left: one that times out may still reach
 * Braze, and its retry would log it again.
 */
const FOLLOW_UP_MIN_MS = 1000

/**
 * Nor with less time left than Braze took, with a margin, to answer a call of this invocation: a
 * Braze that answers slowly now would answer that one too late as well.
 */
const FOLLOW_UP_LATENCY_FACTOR = 1.5

function timeForFollowUp(deadline: number, slowestCallMs: number): boolean {
  return deadline - Date.now() >= Math.max(FOLLOW_UP_MIN_MS, FOLLOW_UP_LATENCY_FACTOR * slowestCallMs)
}

const slowestOf = (calls: CallReport[], before = 0) => calls.reduce((most, call) => Math.max(most, call.ms), before)

const NOTHING: ReadonlySet<PartToken> = new Set()

/**
 * The events in time order, whatever their order in the batch: Braze applies a request's attribute
 * objects one after another, and everything after planning (packing, merging a user's updates, the
 * order of merges, merge-order.ts) keeps the order of the events it gets.
 */
export async function deliver(plans: Array<EventPlan | undefined>, options: DeliveryOptions): Promise<DeliveryReport> {
  const order = inTimeOrder(plans.map((plan, owner) => ({ owner, epoch: plan?.epoch }))).map(({ owner }) => owner)
  const behind = behindADelete(order.map((owner) => plans[owner]))
  const report = await deliverInRounds(
    order.map((owner, index) => (behind.has(index) ? undefined : plans[owner])),
    options
  )
  for (const index of behind) report.failures[index] = [{ kind: 'retry', message: BEHIND_A_DELETE }]
  if (order.every((owner, index) => owner === index)) return report
  const back = <T>(values: T[]): T[] => {
    const out = new Array<T>(values.length)
    order.forEach((owner, index) => (out[owner] = values[index]!))
    return out
  }
  return {
    ...report,
    failures: back(report.failures),
    alreadyDelivered: back(report.alreadyDelivered),
    accepted: back(report.accepted),
    warnings: back(report.warnings)
  }
}

/**
 * Each round after the one before (contact-rounds.ts); events never planned (undefined) report with the first.
 * An event waits only for earlier ones on its users or contacts: when one of those was not delivered, it is
 * retried with it, unsent, or the retry would reach Braze after it, out of order.
 */
async function deliverInRounds(plans: Array<EventPlan | undefined>, options: DeliveryOptions): Promise<DeliveryReport> {
  const rounds = contactRounds(plans)
  if (rounds.length === 1) return deliverInOrder(plans, options)
  // A messageId the batch uses for different events names none of them, whatever round each is in.
  const reusedIds = new Set<string>()
  for (const [owner, copy] of copiesOf(plans)) if (copy.reused) reusedIds.add(plans[owner]!.messageId!)
  const touches = plans.map((plan) => (plan ? touchesOf(plan) : []))
  const reports: DeliveryReport[] = []
  const reportOf = plans.map(() => 0)
  const undelivered = new Set<string>()
  for (const [index, owners] of rounds.entries()) {
    // In time order: what a held event touches holds the later events of its round too.
    const held = new Set<number>()
    for (const owner of owners) {
      if (!touches[owner]!.some((touch) => undelivered.has(touch))) continue
      held.add(owner)
      for (const touch of touches[owner]!) undelivered.add(touch)
    }
    const sent = new Set(owners.filter((owner) => !held.has(owner)))
    for (const owner of owners) reportOf[owner] = index
    const part = plans.map((plan, owner) => (sent.has(owner) ? plan : undefined))
    // With too little time left, a request that timed out could still reach Braze and be logged again on retry.
    const slowestCallMs = slowestOf(reports.flatMap((report) => report.calls))
    const late = index > 0 && !timeForFollowUp(options.connection.deadline, slowestCallMs)
    const report = late ? unsent(part, OUT_OF_TIME) : await deliverInOrder(part, { ...options, slowestCallMs }, reusedIds)
    for (const owner of held) report.failures[owner] = [{ kind: 'retry', message: HELD }]
    // Only a retried event comes back to be delivered after them; one refused for good holds nothing.
    for (const owner of owners) if (retried(report.failures[owner]!)) for (const touch of touches[owner]!) undelivered.add(touch)
    reports.push(report)
  }
  const of = (owner: number) => reports[reportOf[owner]!]!
  return {
    failures: plans.map((_, owner) => of(owner).failures[owner]!),
    alreadyDelivered: plans.map((_, owner) => of(owner).alreadyDelivered[owner]!),
    accepted: plans.map((_, owner) => of(owner).accepted[owner]!),
    calls: reports.flatMap((report) => report.calls),
    unchangedAttributes: reports.reduce((sum, report) => sum + report.unchangedAttributes, 0),
    notices: [...new Set(reports.flatMap((report) => report.notices))],
    warnings: plans.map((_, owner) => of(owner).warnings[owner]!)
  }
}

/**
 * The events, in time order, that come after a /users/delete of the batch and write by an alias, email,
 * phone or braze_id, or merge such a profile. Objects go before deletes, and Braze may give such an object
 * to the deleted user's profile (one the batch, or an earlier one, merged into the user or gave the email
 * to), which the function cannot always tell: it would be deleted with it. Retried (500), they reach Braze
 * after the delete; so do the later events that touch their users or contacts (a later value of the user,
 * a delete of the user), which would otherwise reach Braze before them. The deleted user's own later
 * events wait too (delivery-plan.ts).
 */
function behindADelete(plans: Array<EventPlan | undefined>): Set<number> {
  const behind = new Set<number>()
  // Nothing before the first delete waits (most batches have none).
  const first = plans.findIndex((plan) => plan !== undefined && plan.deletes.length > 0)
  if (first < 0) return behind
  const touched = new Set<string>()
  for (let index = first + 1; index < plans.length; index++) {
    const plan = plans[index]
    if (!plan) continue
    const touches = touchesOf(plan)
    const byOther =
      [...plan.attributes, ...plan.events, ...plan.purchases].some((object) => !byExternalId(object)) ||
      plan.merges.some((merge) => !('external_id' in merge.identifier_to_merge))
    if (byOther || touches.some((touch) => touched.has(touch))) {
      behind.add(index)
      for (const touch of touches) touched.add(touch)
    }
  }
  return behind
}

const BEHIND_A_DELETE =
  'An earlier event of the batch deletes a user, and this one writes to or merges a profile found by an alias, email, phone or ' +
  'braze_id (or follows such an event on its user), which Braze may give to the deleted user: it is retried, and goes through after the delete.'

const OUT_OF_TIME =
  'The invocation ran out of time before this event could be sent: it had to wait for an earlier event of the batch to reach Braze first.'
const HELD = 'An earlier event of the batch on the same user, email or phone was not delivered: this one is retried with it, unsent.'

function unsent(plans: Array<EventPlan | undefined>, message: string): DeliveryReport {
  return {
    failures: plans.map((plan) => (plan ? [{ kind: 'retry', message }] : [])),
    alreadyDelivered: plans.map(() => false),
    accepted: plans.map(() => NOTHING),
    calls: [],
    unchangedAttributes: 0,
    notices: [],
    warnings: plans.map(() => [])
  }
}

async function deliverInOrder(
  plans: Array<EventPlan | undefined>,
  options: DeliveryOptions,
  reusedIds?: ReadonlySet<string>
): Promise<DeliveryReport> {
  const { connection } = options
  const opened = await openMemory(connection.dataCenter.restHost, connection.apiKey)
  const limits = requestLimits(options.maxObjectsPerRequest)
  const contents = options.byContent ? contentsOf(plans) : undefined
  const plan = planDelivery(plans, {
    limits,
    memory: opened?.memory,
    contents,
    skipUnchangedAttributes: options.skipUnchangedAttributes,
    reusedIds
  })
  // Marked at once after planning (no await between): an invocation that plans later sees these as in flight.
  const delivering = plans.flatMap((event, owner) =>
    event?.messageId !== undefined && !plan.held.has(owner) && !plan.alreadyDelivered[owner] && !plan.duplicateOf.has(owner)
      ? [event.messageId]
      : []
  )
  const epochs = plans.map((event) => event?.epoch)
  const run = new Delivery(plan, options, limits, epochs, opened?.memory)
  opened?.memory.begin(delivering)
  try {
    await run.go()
    for (const [owner, first] of plan.duplicateOf) {
      run.failures[owner] = run.failures[first]!
      plan.alreadyDelivered[owner] = plan.alreadyDelivered[first]!
    }
    plans.forEach((event, owner) => {
      const id = event?.messageId
      if (!opened || id === undefined || plan.alreadyDelivered[owner] || plan.duplicateOf.has(owner) || plan.held.has(owner)) return
      if (plan.reusedIds.has(id)) opened.memory.forget(id)
      else {
        const refused = run.failures[owner]!.find((failure) => failure.objectRefused)?.message
        opened.memory.remember(id, run.accepted[owner]!, run.failures[owner]!.length === 0, contents?.[owner], plan.cuts[owner]!, refused)
      }
    })
  } finally {
    opened?.memory.end(delivering)
    await opened?.keep()
  }
  return {
    failures: run.failures,
    alreadyDelivered: plan.alreadyDelivered,
    // Only a refusal's message reads it (handlers.ts): a delivered event gets none.
    accepted: plans.map((_, owner) => {
      const first = plan.duplicateOf.get(owner) ?? owner
      return run.failures[first]!.length === 0 ? NOTHING : new Set([...plan.acceptedBefore[first]!, ...run.accepted[first]!])
    }),
    calls: run.calls,
    unchangedAttributes: plan.unchangedAttributes,
    notices: [...run.notices],
    warnings: plans.map((_, owner) => plan.warnings[plan.duplicateOf.get(owner) ?? owner]!)
  }
}

class Delivery {
  readonly failures: EventFailure[][]
  readonly accepted: Array<Set<PartToken>>
  readonly calls: CallReport[] = []
  /** What the user should know about this invocation as a whole (not about one event), once each. */
  readonly notices = new Set<string>()
  /** Merged attribute objects Braze refused, to resend per event. */
  private readonly refused: Array<{ owners: number[]; message: string }> = []
  /** The attributes objects Braze took, for the resend of refused ones (resendRefused). */
  private readonly taken: Array<Item<unknown>> = []
  private readonly mergesSent = new Set<string>()
  /** The /users/merge requests sent: the profiles they name, and when they are answered. */
  private readonly mergeRuns: Array<{ profiles: MergeProfiles; finished: Promise<void> }> = []
  /** Round 2's /users/track requests (split events' later parts, resends): the profiles they write to, and when they are done. */
  private readonly writers: Array<{ profiles: Set<string>; finished: Promise<void>; done: boolean }> = []

  constructor(
    private readonly plan: DeliveryPlan,
    private readonly options: DeliveryOptions,
    private readonly limits: RequestLimits,
    private readonly epochs: Array<number | undefined>,
    private readonly memory: DeliveryMemory | undefined
  ) {
    this.failures = plan.expected.map(() => [])
    this.accepted = plan.expected.map(() => new Set())
    for (const [owner, message] of plan.rejected) this.fail(owner, 'invalid', message)
    for (const [owner, reason] of plan.held) this.fail(owner, 'retry', reason)
  }

  async go(): Promise<void> {
    await Promise.all(this.plan.requests.map((request) => this.track(request)))
    // Every writer is registered in this one synchronous pass, before any answer can let a merge or delete
    // of their profiles go. What follows the first round waits for the attributes it may need: merged ones Braze
    // refused are resent first (an alias's purchases need the object that creates its profile), and an
    // event's chain follows its first part when that went in the second round.
    const objectsOf = (bundles: Bundle[]) => bundles.flatMap((part) => itemsOf(part).map(({ item: one }) => one.object as object))
    const refused = [...new Set(this.refused.flatMap((entry) => entry.owners))]
    const resending = refused.flatMap((owner) => this.plan.ownAttributes.get(owner) ?? [])
    const resent = refused.length > 0 ? this.write(resending, () => this.resendRefused(refused)) : Promise.resolve()
    const deferredOwners = new Set(this.plan.deferred.flatMap((bundle) => itemsOf(bundle).flatMap(({ item: one }) => one.owners)))
    const deferred = this.write(objectsOf(this.plan.deferred), async () => {
      await resent
      await this.secondRound()
    })
    const resentTo = new Set(profilesWritten(resending))
    for (const chain of this.plan.chains) {
      const objects = objectsOf(chain.parts)
      const waitsForResend = refused.includes(chain.owner) || profilesWritten(objects).some((profile) => resentTo.has(profile))
      this.write(objects, async () => {
        await (deferredOwners.has(chain.owner) ? deferred : waitsForResend ? resent : undefined)
        await this.chain(chain)
      })
    }
    await Promise.all([
      this.merges(),
      ...this.writers.map((writer) => writer.finished),
      ...this.plan.deletes.map((request) => this.delete(request))
    ])
    // What Braze refused of the event in an earlier attempt still rejects it, once the rest is delivered.
    for (const [owner, message] of this.plan.refusedBefore)
      if (this.failures[owner]!.length === 0) this.fail(owner, 'reject', `${message} (in an earlier attempt)`)
    for (const owner of this.mergesLeftBehind()) {
      const message = 'The merge of an earlier profile could not be sent in this invocation.'
      // An event not all of whose objects Braze took is never delivered, best-effort merges or not.
      if (this.ready(owner)) this.failMerge(owner, 'retry', message)
      else this.fail(owner, 'retry', message)
    }
  }

  /** The events not failed (yet) whose merge was not sent: once nothing can send it any more, go() retries them. */
  private mergesLeftBehind(): Set<number> {
    const owners = new Set<number>()
    for (const merge of this.plan.merges)
      if (!this.mergesSent.has(merge.key)) for (const owner of merge.owners) if (this.failures[owner]!.length === 0) owners.add(owner)
    return owners
  }

  private fail(owner: number, kind: EventFailure['kind'], message: string): void {
    this.failures[owner]!.push({ kind, message })
  }

  private timeLeft(): number {
    return this.options.connection.deadline - Date.now()
  }

  private async call(path: BrazePath, body: Record<string, unknown>): Promise<CallOutcome> {
    const started = Date.now()
    const outcome = await callBraze(path, body, this.options.connection)
    this.calls.push({ path, body, outcome, ms: Date.now() - started })
    return outcome
  }

  /**
   * Whether a follow-up request may start. One that only sets attribute values, which Braze may take twice
   * to no harm (no increment, no edit of an array of objects), needs only FOLLOW_UP_MIN_MS.
   */
  private timeForFollowUp(repeatable = false): boolean {
    if (repeatable) return this.timeLeft() >= FOLLOW_UP_MIN_MS
    return timeForFollowUp(this.options.connection.deadline, slowestOf(this.calls, this.options.slowestCallMs))
  }

  /** `mayResend`: a request Braze refuses whole (no object named) is sent again one user at a time (resendPerUser). */
  private async track(request: Bundle, mayResend = true): Promise<void> {
    if (this.memory)
      for (const profile of profilesWritten(itemsOf(request).map(({ item: one }) => one.object as object))) this.memory.forgetMerge(profile)
    const values = this.valuesSent(request.attributes.map(({ object }) => object))
    let taken: ReadonlySet<BrazeAttributes> = new Set()
    let tooLong = false
    let refusedWhole: CallOutcome | undefined
    try {
      const outcome = await this.call('/users/track', bodyOf(request))
      tooLong = isInputTooLong(outcome) && sizeOf(request).total > MAX_COMBINED_OBJECTS_MAU
      if (!tooLong && mayResend && outcome.kind === 'reject' && usersOf(request).length > 1) refusedWhole = outcome
      else if (!tooLong) taken = this.charge(itemsOf(request), outcome)
    } finally {
      values?.answered(taken)
    }
    if (tooLong) await this.resendSmaller(request)
    else if (refusedWhole) await this.resendPerUser(request, refusedWhole)
  }

  /**
   * Braze refused a whole request without naming an object (a 400 "Bad Request", a 413), and so took none of it:
   * one user's objects may be the cause, and the other users' must not be refused with them (design: no contagion).
   * Each user's objects go again in a request of their own, at once; only what Braze refuses alone is rejected.
   * As for merges and deletes (merge, sendDelete).
   */
  private async resendPerUser(request: Bundle, outcome: CallOutcome): Promise<void> {
    if (!this.timeForFollowUp()) {
      this.charge(itemsOf(request), outcome)
      return
    }
    await Promise.all(usersOf(request).map((user) => this.track(user, false)))
  }

  /**
   * Braze took nothing of a request it found too long: some contracts may still take 50 objects, not 75
   * (braze-limits.ts). Sent again in requests of 50, at the cost
   * of a round trip that maxObjectsPerRequest 50 saves; a lane stops at its first failure, since
   * what follows may depend on it (an alias's purchases on the attributes that create its profile).
   */
  private async resendSmaller(request: Bundle): Promise<void> {
    const hint = `set the maxObjectsPerRequest setting to ${MAX_COMBINED_OBJECTS_MAU}`
    const why = `Braze refused a request of ${sizeOf(request).total} objects as too long (${MAX_INPUT_LENGTH_MESSAGE})`
    const retryAll = (requests: Bundle[], message: string) => {
      for (const { item: one } of requests.flatMap(itemsOf)) for (const owner of one.owners) this.fail(owner, 'retry', message)
    }
    if (!this.timeForFollowUp()) {
      this.notices.add(`${why}; ${hint}.`)
      return retryAll([request], `${why}, and no time was left to send it again in smaller requests; ${hint}.`)
    }
    const { lanes, unsendable } = smallerRequests(request, requestLimits(MAX_COMBINED_OBJECTS_MAU))
    // A part of one event is never spread over requests: one over the smaller limit cannot go again.
    const again =
      unsendable.length === 0
        ? `it was sent again in requests of ${MAX_COMBINED_OBJECTS_MAU}; ${hint} to save that round trip`
        : lanes.length > 0
          ? `what fits requests of ${MAX_COMBINED_OBJECTS_MAU} was sent again, and the events with more objects in one part than that were refused; ${hint}`
          : `its events have more objects in one part than requests of ${MAX_COMBINED_OBJECTS_MAU} hold, and were refused; ${hint}`
    this.notices.add(`${why}: ${again}.`)
    for (const { item: one } of unsendable.flatMap(itemsOf))
      for (const owner of one.owners)
        this.fail(owner, 'reject', `Braze refused this event's objects as too many for one request (${MAX_INPUT_LENGTH_MESSAGE}): ${hint}.`)
    await Promise.all(
      lanes.map(async (lane) => {
        for (const [index, smaller] of lane.entries()) {
          if (index > 0 && !this.timeForFollowUp())
            return retryAll(lane.slice(index), `${why}; no time was left to send the rest of it again.`)
          // Judged by its own answer: a failure its events had before it is no reason to stop.
          const owners = [...new Set(itemsOf(smaller).flatMap(({ item: one }) => one.owners))]
          const before = owners.map((owner) => this.failures[owner]!.length)
          await this.track(smaller)
          if (index < lane.length - 1 && owners.some((owner, i) => this.failures[owner]!.length > before[i]!))
            return retryAll(lane.slice(index + 1), `${why}; a smaller request before this one's did not go through.`)
        }
      })
    )
  }

  /** Braze's answer to a /users/track request, charged to the events behind its objects. Returns the attributes objects Braze took. */
  private charge(items: ReturnType<typeof itemsOf>, outcome: CallOutcome): ReadonlySet<BrazeAttributes> {
    if (outcome.kind !== 'accepted') {
      for (const { item } of items) for (const owner of item.owners) this.fail(owner, outcome.kind, outcome.message)
      return new Set()
    }
    const acceptedAttributes = new Set<BrazeAttributes>()
    const rejected = new Map(outcome.rejected.map((entry) => [`${entry.array}:${entry.index}`, entry.message]))
    const positions = { attributes: 0, events: 0, purchases: 0 }
    for (const { array, item } of items) {
      const position = `${array}:${positions[array]++}`
      const message = rejected.get(position)
      rejected.delete(position)
      if (message === undefined && outcome.tookNone) {
        // Braze named other objects, not this one, and took none: nothing of it was logged, so a retry is safe.
        for (const owner of item.owners)
          this.fail(owner, 'retry', `${outcome.tookNone}; it named other objects of this request, not this event's, and took none of it.`)
      } else if (message === undefined) {
        // Accepted even when Braze refused another object of the same part: what it took must not be sent
        // again. The refusal fails the event, which stops its later parts and its merges.
        for (const owner of item.owners) this.accepted[owner]!.add(item.part)
        if (array === 'attributes') {
          acceptedAttributes.add(item.object as BrazeAttributes)
          this.taken.push(item)
        }
      } else if (array === 'attributes' && item.owners.length > 1) {
        this.refused.push({ owners: item.owners, message })
      } else {
        const refusal = `Braze rejected the ${array === 'attributes' ? 'attributes' : array.slice(0, -1)} object: ${message}`
        for (const owner of item.owners) this.failures[owner]!.push({ kind: 'reject', message: refusal, objectRefused: true })
      }
    }
    // Braze said something failed without naming an object it was sent: no event of this request can be called delivered.
    const unattributed = [
      ...outcome.unattributed,
      ...[...rejected].map(([position, message]) => `${message} (${position}, which this request did not have)`)
    ]
    if (unattributed.length > 0) {
      const message = `Braze reported errors for /users/track that name no object it was sent: ${unattributed.slice(0, 3).join('; ')}`
      for (const owner of new Set(items.flatMap(({ item }) => item.owners))) this.fail(owner, 'reject', message)
    }
    return unattributed.length > 0 ? new Set() : acceptedAttributes
  }

  /** For skipUnchangedAttributes: tells the memory which attribute values go out, and then which Braze took. */
  private valuesSent(objects: BrazeAttributes[]): { answered(accepted: ReadonlySet<BrazeAttributes>): void } | undefined {
    if (!this.options.skipUnchangedAttributes) this.memory?.forgetEveryValue()
    const memory = this.options.skipUnchangedAttributes ? this.memory : undefined
    if (!memory || objects.length === 0) return undefined
    // Only a user's external_id names one profile for good; writes by any other identifier may reach any user's.
    const byUser = objects.filter(byExternalId)
    for (const object of byUser) memory.sendingValues(identityKey(object), Object.keys(object))
    // After the users' own: Braze may apply them before or after those in the same request.
    for (const object of objects) if (!byExternalId(object)) memory.writtenElsewhere(attributeNames(object))
    return {
      answered(accepted) {
        for (const object of byUser) {
          // An update-only object changes nothing for an unknown user: what it carried may not be on any profile.
          const remembered = accepted.has(object) && object._update_existing_only !== true
          memory.sentValues(identityKey(object), remembered ? valuesOf(object) : undefined)
        }
      }
    }
  }

  private async delete(request: DeliveryPlan['deletes'][number]): Promise<void> {
    // Last: after every write (which may set off a merge of this profile), then after the merges of its profile.
    await Promise.all(this.writers.map((writer) => writer.finished))
    const users = request.targets.map((target) => target.user)
    const merging = this.mergeRuns.filter(({ profiles }) => [...profiles.away, ...profiles.kept].some((profile) => users.includes(profile)))
    await Promise.all(merging.map((run) => run.finished))
    // Every write and merge that could go has gone: an event whose merge is still unsent will be retried
    // (go(), at the end), and its writes with it, unless the merge was only best-effort.
    const retrying = [...this.mergesLeftBehind()].filter((owner) => !(this.ready(owner) && this.plan.bestEffortMerges.has(owner)))
    const retriedProfiles = this.retriedProfiles(retrying)
    // Held user by user: a delete of another user in the same request goes.
    const [held, going] = partition(request.targets, (target) => retriedProfiles.has(target.user))
    for (const target of held)
      for (const owner of target.owners)
        this.fail(
          owner,
          'retry',
          'An earlier event of the batch on this user is retried: the delete is retried with it, so that it goes after it.'
        )
    if (going.length === 0) return
    // Before it is sent: a delete that gets no answer may still remove the profile, and the next identify must then send every value.
    // A profile deleted by its alias may be a user's too (an alias attached outside Segment).
    if (request.field === 'user_aliases') this.memory?.forgetEveryValue()
    for (const { user } of going) {
      if (request.field === 'external_ids') this.memory?.forgetValues(user)
      this.memory?.forgetMerge(user)
    }
    await this.sendDelete(request.field, going, true)
  }

  private async sendDelete(field: DeliveryPlan['deletes'][number]['field'], targets: DeleteTargets, mayResend: boolean): Promise<void> {
    const outcome = await this.call('/users/delete', { [field]: targets.map((target) => target.value) })
    if (outcome.kind === 'accepted') return
    // A refused request of several deletes names none of them: each goes alone, as refused merges do.
    if (outcome.kind === 'reject' && targets.length > 1 && mayResend && this.timeLeft() > 0) {
      await Promise.all(targets.map((target) => this.sendDelete(field, [target], false)))
      return
    }
    for (const owner of new Set(targets.flatMap((target) => target.owners))) this.fail(owner, outcome.kind, outcome.message)
  }

  /**
   * Runs a round-2 writer of these objects' profiles; once it is done, the merges that waited for it may
   * go. Returns when the work (not those merges) is done.
   */
  private write(objects: object[], work: () => Promise<void>): Promise<void> {
    const writer = { profiles: new Set(profilesWritten(objects)), finished: Promise.resolve(), done: false }
    this.writers.push(writer)
    const done = work().finally(() => (writer.done = true))
    writer.finished = done.then(() => this.merges())
    return done
  }

  /** The events' first parts that waited for the first round: those of events still whole go, at once. */
  private async secondRound(): Promise<void> {
    if (this.plan.deferred.length === 0) return
    const waiting = (owner: number) => this.failures[owner]!.length === 0
    if (!this.timeForFollowUp()) {
      for (const owner of new Set(this.plan.deferred.flatMap((bundle) => itemsOf(bundle).flatMap(({ item: one }) => one.owners))))
        if (waiting(owner))
          this.fail(
            owner,
            'retry',
            'The invocation ran out of time before this event could follow the attributes it needs; Braze has none of its events or purchases.'
          )
      return
    }
    await Promise.all(
      this.plan.deferred.map((bundle) => {
        const kept = emptyBundle()
        for (const { array, item: one } of itemsOf(bundle)) if (one.owners.every(waiting)) (kept[array] as Item<unknown>[]).push(one)
        return sizeOf(kept).total > 0 ? this.track(kept) : Promise.resolve()
      })
    )
  }

  /**
   * Profiles that events Segment will retry write to. A merge or delete of one waits for them: sent now,
   * the retried write would create the profile again after it (alone, or as a user deleted).
   */
  private retriedProfiles(alsoRetried: number[] = []): Set<string> {
    const out = new Set<string>()
    this.plan.profiles.forEach((profiles, owner) => {
      if (retried(this.failures[owner]!)) for (const profile of profiles) out.add(profile)
    })
    for (const owner of alsoRetried) for (const profile of this.plan.profiles[owner]!) out.add(profile)
    return out
  }

  /** The writers not done yet that write to any of these profiles. */
  private writersTo(profiles: string[]): Delivery['writers'] {
    return this.writers.filter((writer) => !writer.done && profiles.some((profile) => writer.profiles.has(profile)))
  }

  /**
   * The later parts of a split event, one after another: a part is sent only once the one before it was
   * answered. What Braze refused (the event's 400) does not stop the rest: the event ends rejected, never
   * sent again, so what else it carries is delivered now or never (a redelivery sends it too: refusedBefore).
   */
  private async chain({ owner, parts }: { owner: number; parts: Bundle[] }): Promise<void> {
    for (const part of parts) {
      if (this.failures[owner]!.some((failure) => failure.kind !== 'reject')) return
      if (!this.timeForFollowUp()) {
        const number = Math.min(...itemsOf(part).map(({ item: one }) => (typeof one.part === 'number' ? one.part : 0))) + 1
        return this.fail(
          owner,
          'retry',
          `The invocation ran out of time before part ${number} of this event; Braze has what came before it.`
        )
      }
      await this.track(part)
    }
  }

  /** Each event whose merged attributes Braze refused gets its own attributes resent, unmerged. */
  private async resendRefused(owners: number[]): Promise<void> {
    const repeatable = owners.every((owner) =>
      (this.plan.ownAttributes.get(owner) ?? []).every((object) =>
        attributeNames(object).every(
          (name) => isArrayEdit((object as Record<string, unknown>)[name]) || replaces((object as Record<string, unknown>)[name])
        )
      )
    )
    if (!this.timeForFollowUp(repeatable)) {
      for (const { owners: behind, message } of this.refused) {
        for (const owner of behind)
          this.fail(
            owner,
            'retry',
            `Braze refused this user's merged attributes (${message}); no time was left to resend them one event at a time.`
          )
      }
      return
    }
    // In time order, as they were merged: of two values of one attribute, the later one must win again.
    const rank = timeRanks(this.epochs)
    const ordered = [...owners].sort((a, b) => rank[a]! - rank[b]!)
    // A value a later event of the user set, in an object Braze took, must stay: the older one is not resent.
    const latest = new Map<string, Map<string, number>>()
    for (const { object, owners: behind } of this.taken) {
      const user = identityKey(object as object)
      const names = latest.get(user) ?? new Map<string, number>()
      latest.set(user, names)
      for (const owner of behind)
        for (const own of this.plan.ownAttributes.get(owner) ?? [])
          if (identityKey(own) === user)
            for (const name of attributeNames(own))
              // Only a value that replaces the attribute outright (or unsets it): an array edit or an increment adds
              // to what came before.
              if (replaces((own as Record<string, unknown>)[name])) names.set(name, Math.max(names.get(name) ?? -1, rank[owner]!))
    }
    const atoms = ordered.flatMap((owner) => {
      const atom = emptyBundle()
      for (const object of this.plan.ownAttributes.get(owner) ?? []) {
        const kept = withoutOlderValues(object, latest.get(identityKey(object)), rank[owner]!)
        if (kept) atom.attributes.push(item(kept, [owner], 'attributes'))
      }
      // Nothing of it is left to send: Braze has a later value of each attribute it set.
      if (atom.attributes.length === 0) this.accepted[owner]!.add('attributes')
      return atom.attributes.length > 0 ? [atom] : []
    })
    // Packed in that order and sent one after another: a user's later values may be in a later request.
    const requests = packInOrder(atoms, this.limits)
    for (const [index, request] of requests.entries()) {
      if (index > 0 && !this.timeForFollowUp(repeatable)) {
        for (const later of requests.slice(index))
          for (const { item: one } of itemsOf(later))
            for (const owner of one.owners)
              this.fail(
                owner,
                'retry',
                "Braze refused this user's merged attributes; no time was left to resend them all one event at a time."
              )
        return
      }
      await this.track(request)
    }
  }

  /** An event is ready to merge when Braze accepted every part it sent in this invocation. */
  private ready(owner: number): boolean {
    if (this.failures[owner]!.length > 0) return false
    for (const part of this.plan.expected[owner]!) if (!this.accepted[owner]!.has(part)) return false
    return true
  }

  /**
   * Sends the merges that have a ready owner and were not sent yet, unless one waits for a writer of
   * its profiles or for an earlier merge it depends on that has yet to go (merge-order.ts).
   */
  private async merges(): Promise<void> {
    const due: DeliveryPlan['merges'] = []
    const held: MergeProfiles = { away: [], kept: [] }
    const retriedProfiles = this.retriedProfiles()
    for (const merge of this.plan.merges) {
      if (this.mergesSent.has(merge.key)) continue
      const profiles = profilesOf([merge.object])
      const go =
        merge.owners.some((owner) => this.ready(owner)) &&
        this.writersTo([...profiles.away, ...profiles.kept]).length === 0 &&
        !profiles.away.some((profile) => retriedProfiles.has(profile)) &&
        !dependsOn(merge.object, held)
      if (go) {
        due.push(merge)
        this.mergesSent.add(merge.key)
      } else if (merge.owners.some((owner) => this.failures[owner]!.length === 0)) {
        // It may go later (its event is not failed): the merges after it that depend on it wait for it.
        held.away.push(...profiles.away)
        held.kept.push(...profiles.kept)
      }
    }
    // Each wave after the one before it (merge-order.ts), and after the merges sent earlier that it depends on.
    const earlier = [...this.mergeRuns]
    let previous: Promise<unknown> = Promise.resolve()
    for (const wave of mergeWaves(due)) {
      const waits = earlier.filter((run) => wave.some((merge) => dependsOn(merge.object, run.profiles))).map((run) => run.finished)
      const start = Promise.all([previous, ...waits])
      const runs = chunked(wave, MAX_USERS_ENTRIES_PER_REQUEST).map((chunk) => {
        const run = { profiles: profilesOf(chunk.map((entry) => entry.object)), finished: start.then(() => this.merge(chunk, true)) }
        this.mergeRuns.push(run)
        return run.finished
      })
      previous = Promise.all(runs)
    }
    await previous
  }

  private async merge(chunk: Owned<MergeUpdate>[], mayResend: boolean): Promise<void> {
    const merged = chunk.map((entry) => profileKey(entry.object.identifier_to_merge))
    for (const [index, entry] of chunk.entries()) {
      // The profile merged away is gone (even if the answer is lost): the values delivered to it no longer count.
      this.memory?.forgetValues(identityKey(entry.object.identifier_to_merge))
      this.memory?.mergeSending(merged[index]!)
    }
    const outcome = await this.call('/users/merge', { merge_updates: chunk.map((entry) => entry.object) })
    chunk.forEach((entry, index) => this.memory?.mergeAnswered(merged[index]!, outcome.kind === 'accepted' ? entry.key : undefined))
    if (outcome.kind === 'accepted') return
    // A refused request of several merges: which one Braze refused is not said (its answer names no entry), so each goes alone.
    if (outcome.kind === 'reject' && chunk.length > 1 && mayResend && this.timeLeft() > 0) {
      await Promise.all(chunk.map((entry) => this.merge([entry], false)))
      return
    }
    for (const entry of chunk) for (const owner of entry.owners) this.failMerge(owner, outcome.kind, outcome.message)
  }

  /** A best-effort merge (plan.ts, mergesBestEffort) that failed is said once, and its event stays delivered. */
  private failMerge(owner: number, kind: EventFailure['kind'], message: string): void {
    if (!this.plan.bestEffortMerges.has(owner)) return this.fail(owner, kind, message)
    this.notices.add(
      `An earlier profile could not be merged into the user an Engage track names (${message}); the track is not retried for it, ` +
        'which would log its event again: the next identify or Engage call merges it.'
    )
  }
}

type DeleteTargets = DeliveryPlan['deletes'][number]['targets']

const retried = (failures: EventFailure[]) => failures.some((failure) => failure.kind === 'retry')

/** The object without the attributes a later event set (`latest`: by attribute, the latest event's rank); undefined when none is left. */
function withoutOlderValues(object: BrazeAttributes, latest: Map<string, number> | undefined, rank: number): BrazeAttributes | undefined {
  const older = latest ? attributeNames(object).filter((name) => (latest.get(name) ?? -1) > rank) : []
  if (older.length === 0) return object
  const kept = { ...object } as Record<string, unknown>
  for (const name of older) delete kept[name]
  return attributeNames(kept as BrazeAttributes).length > 0 ? (kept as BrazeAttributes) : undefined
}

const replaces = (value: unknown) => value === null || isPlainValue(value)

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))]
}

/** A retry wins: Segment resends the event, and what Braze refuses it will refuse again with the same message. */
export function worstFailure(failures: EventFailure[]): EventFailure | undefined {
  if (failures.length === 0) return undefined
  const kind = (['retry', 'reject', 'invalid'] as const).find((worst) => failures.some((failure) => failure.kind === worst))!
  const messages = [...new Set(failures.map((failure) => failure.message))]
  const shown = messages.slice(0, 3).join(' | ')
  return { kind, message: messages.length > 3 ? `${shown} | and ${messages.length - 3} more` : shown }
}

/** An attributes object's values as the memory keeps them: plain values as JSON, anything else undefined (never remembered). */
function valuesOf(object: BrazeAttributes): Array<[string, string | undefined]> {
  // With _merge_objects Braze merges a nested object into what the profile holds: the profile may hold more than was sent.
  const merges = object._merge_objects === true
  return Object.entries(object).map(([key, value]) => [
    key,
    isPlainValue(value) && !(merges && isDict(value)) ? JSON.stringify(value) : undefined
  ])
}

/**
 * A fingerprint of each event's plan, so that an event edited under the same messageId (a sample
 * event in the editor's Test tab, run again) is a new message to the memory. Only the single
 * handlers pay for it: in a batch, where Segment's messageIds are unique ("Segment deduplicates on
 * the event's messageId, not on the contents of the event payload", across all sources:
 * https://segment.com/docs/guides/duplicate-data/), it would cost a third of the function's CPU
 * (0.95 ms per 400 events, measured).
 */
function contentsOf(plans: Array<EventPlan | undefined>): Array<string | undefined> {
  // Without a time of its own (no timestamp) a plan holds the clock's: no two attempts would match.
  return plans.map((plan) => (plan?.messageId === undefined || plan.epoch === undefined ? undefined : fingerprint(JSON.stringify(plan))))
}

/** Braze's 400 for a request with more objects than the account allows (https://www.braze.com/docs/api/errors/). */
function isInputTooLong(outcome: CallOutcome): boolean {
  if (outcome.kind !== 'reject' || outcome.status !== 400) return false
  return outcome.brazeMessage?.trim().toLowerCase() === MAX_INPUT_LENGTH_MESSAGE.toLowerCase()
}
