/**
 * Braze Destination Function for Segment, v0.1.0
 * Built from TypeScript by `npm run build`; edit the sources, not this file.
 *
 * Paste into Segment: Catalog > Functions > New Function > Destination.
 * Create these settings (Settings tab; the name is what the code reads):
 *   apiKey                STRING  required, sensitive
 *   dataCenter            STRING  required
 *   appId                 STRING  optional
 *   updateExistingOnly    BOOLEAN optional
 *   anonymousAliasLabel   STRING  optional
 *   purchaseEvents        ARRAY   optional
 *   audienceAttribute     STRING  optional
 *   sendPageEvents        BOOLEAN optional
 *   sendScreenEvents      BOOLEAN optional
 *   skipUnchangedAttributes BOOLEAN optional
 *   maxObjectsPerRequest  STRING  optional
 */
// src/destination/braze-types.ts
function identifierObject(identifier) {
  return Object.assign({}, identifier);
}
var TRACK_ARRAYS = ["attributes", "events", "purchases"];
var MAX_OBJECTS_PER_TYPE = 75;
var IDENTIFIER_KEYS = ["external_id", "braze_id", "user_alias", "email", "phone"];
function identifierKey(object) {
  const record = object;
  return IDENTIFIER_KEYS.find((key) => record[key] !== void 0);
}
function identityKey(object) {
  const id = identifierKey(object);
  const value = object[id];
  return `${id}:${typeof value === "string" ? value : JSON.stringify(value)}`;
}
var BRAZE_RESERVED_ATTRIBUTES = /* @__PURE__ */ new Set([
  "external_id",
  "braze_id",
  "user_alias",
  "_update_existing_only",
  "_merge_objects",
  "first_name",
  "last_name",
  "email",
  "phone",
  "gender",
  "dob",
  "country",
  "home_city",
  "language",
  "time_zone",
  "current_location",
  "email_subscribe",
  "push_subscribe",
  "subscription_groups",
  "image_url",
  "push_tokens",
  "facebook",
  "twitter"
]);

// src/destination/braze-client.ts
var INVOCATION_BUDGET_MS = 4e3;
function brazeAnswer(json) {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return void 0;
  const { message, errors } = json;
  if (message !== void 0 && typeof message !== "string") return void 0;
  if (errors !== void 0 && !Array.isArray(errors)) return void 0;
  return { message, errors: errors ?? [] };
}
function objectError(entry) {
  const array2 = entry?.input_array;
  const index = entry?.index;
  if (!TRACK_ARRAYS.includes(array2) || typeof index !== "number" || !Number.isInteger(index) || index < 0) return void 0;
  return { array: array2, index };
}
var MAX_ANSWER_BYTES = 1024 * 1024;
var MAX_ERRORS_READ = 1e3;
var SHOWN_ANSWER_CHARS = 2e3;
function discard(body) {
  const stream = body;
  if (typeof stream?.cancel === "function") stream.cancel().catch(() => void 0);
  else if (typeof stream?.destroy === "function") stream.destroy();
}
async function readAnswer(response) {
  const declared = Number(response.headers.get("content-length"));
  if (declared > MAX_ANSWER_BYTES) {
    discard(response.body);
    return { response, unreadable: `${declared} bytes, over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` };
  }
  try {
    const text3 = await response.text();
    if (text3.length > MAX_ANSWER_BYTES) return { response, unreadable: `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` };
    return { response, text: text3 };
  } catch (error) {
    const type = error?.type;
    return { response, unreadable: type === "max-size" ? `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` : "the connection broke while it was read" };
  }
}
async function callBraze(path2, body, connection) {
  const remaining = connection.deadline - Date.now();
  if (remaining <= 0) return failure("retry", void 0, void 0, "The invocation ran out of time before this Braze request could be sent.");
  const fetchImpl = globalThis.fetch;
  if (typeof fetchImpl !== "function") return failure("retry", void 0, void 0, "No fetch is available in this runtime.");
  const controller = typeof AbortController === "function" ? new AbortController() : void 0;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => {
      controller?.abort();
      resolve("timeout");
    }, remaining);
  });
  const url = `https://${connection.dataCenter.restHost}${path2}`;
  try {
    const exchange = (async () => {
      const init = {
        method: "POST",
        headers: { Authorization: `Bearer ${connection.apiKey}`, "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        // node-fetch follows redirects, resending the user data wherever they point: never.
        redirect: "manual",
        // node-fetch v2 options (https://github.com/node-fetch/node-fetch/tree/2.x#options); other fetches ignore them.
        timeout: remaining,
        size: MAX_ANSWER_BYTES
      };
      if (controller) init.signal = controller.signal;
      return readAnswer(await fetchImpl(url, init));
    })();
    exchange.catch(() => void 0);
    const result = await Promise.race([exchange, timeout]);
    if (result === "timeout") {
      return failure("retry", void 0, void 0, `Braze did not answer ${path2} within ${Math.round(remaining / 100) / 10} s (Segment's 5 s limit per invocation).`);
    }
    return classify(path2, result, connection);
  } catch (error) {
    return failure("retry", void 0, void 0, `Braze could not be reached at ${connection.dataCenter.restHost} (${networkReason(error, connection.apiKey)}).`);
  } finally {
    clearTimeout(timer);
  }
}
function failure(kind, status, response, message) {
  return { kind, status, response, message };
}
function networkReason(error, apiKey) {
  const code = error?.code;
  const name = error?.name;
  const raw = typeof code === "string" ? code : typeof name === "string" ? name : "network error";
  return redact(raw, apiKey).slice(0, 80);
}
function redact(text3, apiKey) {
  return apiKey.length >= 4 ? text3.split(apiKey).join("[redacted]") : text3;
}
function parseJson(text3) {
  try {
    return JSON.parse(text3);
  } catch {
    return void 0;
  }
}
function shownAnswer(text3, json, apiKey) {
  if (json !== void 0 && text3.length <= SHOWN_ANSWER_CHARS) return redactDeep(json, apiKey);
  const clean = redact(text3, apiKey);
  return clean.length <= 300 ? clean : `${clean.slice(0, 300)}… (${text3.length} characters)`;
}
function classify(path2, exchange, connection) {
  const status = exchange.response.status;
  const text3 = "text" in exchange ? exchange.text : void 0;
  const json = text3 === void 0 ? void 0 : parseJson(text3);
  const answer = brazeAnswer(json);
  const brazeMessage = answer?.message ? redact(answer.message, connection.apiKey).slice(0, 300) : void 0;
  const response = text3 === void 0 ? void 0 : shownAnswer(text3, json, connection.apiKey);
  const said = brazeMessage ? `: ${brazeMessage}` : "";
  if (status >= 200 && status < 300) {
    if (text3 === void 0) {
      return failure("retry", status, response, `Braze's answer to ${path2} (HTTP ${status}) was unreadable (${exchange.unreadable}); the outcome is unknown.`);
    }
    if (!answer) return failure("retry", status, response, `Braze's answer to ${path2} (HTTP ${status}) was unreadable (not Braze's JSON); the outcome is unknown.`);
    if (answer.message !== "success") {
      return failure("retry", status, response, `Braze answered ${path2} with HTTP ${status} but message ${JSON.stringify(brazeMessage ?? null)} instead of "success".`);
    }
    const rejected = [];
    const unattributed = [];
    const read = answer.errors.slice(0, MAX_ERRORS_READ);
    for (const entry of read) {
      const target = objectError(entry);
      const message = redact(String(entry?.type ?? "rejected by Braze"), connection.apiKey).slice(0, 300);
      if (target) rejected.push({ ...target, message });
      else unattributed.push(message);
    }
    if (answer.errors.length > read.length) unattributed.push(`${answer.errors.length - read.length} more errors, not read`);
    return { kind: "accepted", status, response, rejected, unattributed };
  }
  if (status === 429) {
    const reset = Number(exchange.response.headers.get("x-ratelimit-reset"));
    const when = Number.isFinite(reset) && reset > 0 && reset < 1e11 ? ` until ${new Date(reset * 1e3).toISOString()}` : "";
    return failure("retry", status, response, `Braze rate limit reached (HTTP 429)${when}${said}.`);
  }
  if (status >= 500 || status === 408) return failure("retry", status, response, `Braze had a problem with ${path2} (HTTP ${status})${said}.`);
  return failure("reject", status, response, `Braze rejected ${path2} (HTTP ${status})${said}.${hintFor(status, connection)}`);
}
function hintFor(status, connection) {
  if (status === 401) {
    return ` Check the apiKey setting (no quotes or spaces) and that dataCenter ${connection.dataCenter.instance} (${connection.dataCenter.restHost}) is the instance the key belongs to.`;
  }
  if (status === 403) return " The API key lacks the permission for this endpoint (users.track, users.identify, users.merge, users.delete), or the plan does not allow it.";
  if (status >= 300 && status < 400) return " Braze answered with a redirect, which this function does not follow: check the dataCenter setting.";
  return "";
}
function redactDeep(value, apiKey) {
  if (apiKey.length < 4) return value;
  if (typeof value === "string") return redact(value, apiKey);
  if (Array.isArray(value)) return value.map((item2) => redactDeep(item2, apiKey));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item2]) => [redact(key, apiKey), redactDeep(item2, apiKey)]));
  }
  return value;
}

// src/destination/delivery-memory.ts
var MESSAGE_TTL_MS = 6 * 60 * 60 * 1e3;
var MERGE_TTL_MS = 24 * 60 * 60 * 1e3;
var VALUES_TTL_MS = 24 * 60 * 60 * 1e3;
var MAX_MESSAGES = 2e4;
var MAX_MERGES = 2e4;
var MAX_USERS = 5e3;
var MAX_ATTRIBUTES_PER_USER = 100;
var MAX_REMEMBERED_VALUE_CHARS = 1e3;
var DELIVERED = "delivered";
var BoundedMap = class {
  constructor(capacity, ttlMs) {
    this.capacity = capacity;
    this.ttlMs = ttlMs;
  }
  capacity;
  ttlMs;
  young = /* @__PURE__ */ new Map();
  old = /* @__PURE__ */ new Map();
  get(key, now) {
    let entry = this.young.get(key);
    if (!entry) {
      entry = this.old.get(key);
      if (entry && entry.expires > now) this.keep(key, entry);
    }
    return entry && entry.expires > now ? entry.value : void 0;
  }
  set(key, value, now) {
    this.keep(key, { value, expires: now + this.ttlMs });
  }
  keep(key, entry) {
    if (!this.young.has(key) && this.young.size >= this.capacity / 2) {
      this.old = this.young;
      this.young = /* @__PURE__ */ new Map();
    }
    this.young.set(key, entry);
  }
};
var DeliveryMemory = class {
  constructor(now = Date.now) {
    this.now = now;
  }
  now;
  messages = new BoundedMap(MAX_MESSAGES, MESSAGE_TTL_MS);
  merges = new BoundedMap(MAX_MERGES, MERGE_TTL_MS);
  values = new BoundedMap(MAX_USERS, VALUES_TTL_MS);
  /** The parts of this message Braze accepted before, or `delivered` when it took all of them. */
  recall(messageId) {
    const known = this.messages.get(messageId, this.now());
    return known === DELIVERED ? DELIVERED : known && new Set(known);
  }
  remember(messageId, accepted, delivered) {
    const before = this.recall(messageId);
    if (before === DELIVERED) return;
    if (delivered) return this.messages.set(messageId, DELIVERED, this.now());
    const parts = /* @__PURE__ */ new Set([...before ?? [], ...accepted]);
    if (parts.size > 0) this.messages.set(messageId, [...parts], this.now());
  }
  mergeDone(key) {
    return this.merges.get(key, this.now()) === true;
  }
  rememberMerge(key) {
    this.merges.set(key, true, this.now());
  }
  /** The JSON of the value last delivered for this user's attribute, if remembered. */
  deliveredValue(user, attribute) {
    return this.values.get(user, this.now())?.get(attribute);
  }
  /** After Braze accepted an attributes object: plain values are remembered, anything else forgotten. */
  rememberValues(user, delivered) {
    const known = this.values.get(user, this.now()) ?? /* @__PURE__ */ new Map();
    for (const [attribute, json] of delivered) {
      known.delete(attribute);
      if (json !== void 0 && json.length <= MAX_REMEMBERED_VALUE_CHARS && known.size < MAX_ATTRIBUTES_PER_USER) known.set(attribute, json);
    }
    this.values.set(user, known, this.now());
  }
};
function segmentCache() {
  const cache = globalThis.cache;
  return typeof cache?.load === "function" && typeof cache.delete === "function" ? cache : void 0;
}
var STORE_TTL_MS = 24 * 60 * 60 * 1e3;
function fingerprint(text3) {
  let hash = 2166136261;
  for (let i = 0; i < text3.length; i++) {
    hash ^= text3.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(36);
}
async function openMemory(restHost, apiKey) {
  const cache = segmentCache();
  if (!cache) return void 0;
  const key = `braze-destination-memory:${restHost}:${fingerprint(apiKey)}`;
  try {
    const found = await cache.load(key, STORE_TTL_MS, async () => new DeliveryMemory());
    const memory = found instanceof DeliveryMemory ? found : new DeliveryMemory();
    return {
      memory,
      async save() {
        try {
          cache.delete(key);
          await cache.load(key, STORE_TTL_MS, async () => memory);
        } catch {
        }
      }
    };
  } catch {
    return void 0;
  }
}

// src/destination/segment-event.ts
var hasOwn = Object.prototype.hasOwnProperty;
function isDict(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
function field(source, key) {
  return isDict(source) && hasOwn.call(source, key) ? source[key] : void 0;
}
function path(source, ...keys) {
  let current = source;
  for (const key of keys) current = field(current, key);
  return current;
}
function dict(value) {
  return isDict(value) ? value : void 0;
}
function nonBlank(value) {
  if (typeof value === "string") return value.trim() === "" ? void 0 : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return void 0;
}
function isDate(value) {
  return Object.prototype.toString.call(value) === "[object Date]";
}

// src/destination/values.ts
var MAX_STRING = 255;
var MAX_DEPTH = 32;
var DANGEROUS_KEYS = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
var ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
function isIsoDate(value) {
  return ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}
function badKey(key, nested) {
  if (key === "") return "an empty key";
  if (DANGEROUS_KEYS.has(key)) return "a reserved JavaScript key";
  if (key.startsWith("$")) return 'a key starting with "$"';
  if (key.length > MAX_STRING) return `a key over ${MAX_STRING} characters`;
  if (nested && /[.$\s]/.test(key)) return 'a nested key containing ".", "$" or a space';
  return void 0;
}
function cutString(value, context) {
  if (value.length <= MAX_STRING) return value;
  context.warnings.push(`${context.label} was cut to ${MAX_STRING} characters (Braze's limit for strings).`);
  const end = /[\uD800-\uDBFF]/.test(value.charAt(MAX_STRING - 1)) ? MAX_STRING - 1 : MAX_STRING;
  return value.slice(0, end);
}
function toBrazeValue(value, context, inObject = false, depth = 0) {
  if (value === null) return null;
  switch (typeof value) {
    case "string": {
      if (inObject && context.mode === "attribute" && isIsoDate(value)) return { $time: value };
      return cutString(value, context);
    }
    case "number":
      if (Number.isFinite(value)) return value;
      context.warnings.push(`${context.label} was dropped: ${String(value)} is not a number Braze accepts.`);
      return void 0;
    case "boolean":
      return value;
    case "object":
      break;
    default:
      context.warnings.push(`${context.label} was dropped: a ${typeof value} is not a JSON value.`);
      return void 0;
  }
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) return void 0;
    const iso = value.toISOString();
    return inObject && context.mode === "attribute" ? { $time: iso } : iso;
  }
  if (depth >= MAX_DEPTH) {
    context.warnings.push(`${context.label} was dropped: nested deeper than ${MAX_DEPTH} levels.`);
    return void 0;
  }
  if (Array.isArray(value)) {
    const out = [];
    for (const item2 of value) {
      const converted = toBrazeValue(item2, context, inObject, depth + 1);
      if (converted !== void 0) out.push(converted);
    }
    return out;
  }
  if (isDict(value)) return toBrazeObject(value, context, depth + 1);
  return void 0;
}
function toBrazeObject(source, context, depth) {
  const out = {};
  for (const key of Object.keys(source)) {
    const label = `${context.label}.${key}`;
    const reason = badKey(key, context.mode === "attribute");
    if (reason) {
      context.warnings.push(`${label} was dropped: ${reason}.`);
      continue;
    }
    const converted = toBrazeValue(source[key], { warnings: context.warnings, label, mode: context.mode }, true, depth);
    if (converted !== void 0) out[key] = converted;
  }
  return out;
}
function fitsIn(value, limit) {
  return sizeBound(value, limit) <= limit || jsonSize(value) <= limit;
}
function sizeBound(value, budget) {
  if (typeof value === "string") return value.length * 6 + 2;
  if (value === null || typeof value !== "object") return 24;
  let size = 2;
  if (Array.isArray(value)) {
    for (const item2 of value) {
      size += sizeBound(item2, budget - size) + 1;
      if (size > budget) return size;
    }
    return size;
  }
  for (const key of Object.keys(value)) {
    size += key.length * 6 + 4 + sizeBound(value[key], budget - size);
    if (size > budget) return size;
  }
  return size;
}
function jsonSize(value) {
  const json = JSON.stringify(value);
  if (json === void 0) return 0;
  if (!/[^\x00-\x7f]/.test(json)) return json.length;
  return encodeURIComponent(json).replace(/%[0-9A-F]{2}/g, ".").length;
}

// src/destination/track-bundle.ts
function emptyBundle() {
  return { attributes: [], events: [], purchases: [] };
}
function item(object, owners, part) {
  return { object, owners, part, bytes: jsonSize(object) };
}
function sizeOf(bundle) {
  const size = { attributes: bundle.attributes.length, events: bundle.events.length, purchases: bundle.purchases.length, total: 0, bytes: 0 };
  size.total = size.attributes + size.events + size.purchases;
  for (const name of ["attributes", "events", "purchases"]) for (const entry of bundle[name]) size.bytes += entry.bytes + 1;
  return size;
}
function addTo(target, source) {
  target.attributes.push(...source.attributes);
  target.events.push(...source.events);
  target.purchases.push(...source.purchases);
}
function itemsOf(bundle) {
  const out = [];
  for (const array2 of ["attributes", "events", "purchases"]) for (const entry of bundle[array2]) out.push({ array: array2, item: entry });
  return out;
}
function bodyOf(bundle) {
  const body = {};
  for (const array2 of ["attributes", "events", "purchases"]) {
    if (bundle[array2].length > 0) body[array2] = bundle[array2].map((entry) => entry.object);
  }
  return body;
}

// src/destination/batch-packer.ts
var BODY_OVERHEAD_BYTES = 64;
function fits(size, limits) {
  return size.attributes <= limits.perType && size.events <= limits.perType && size.purchases <= limits.perType && size.total <= limits.combined && size.bytes + BODY_OVERHEAD_BYTES <= limits.bytes;
}
function lowerBound(total, limits) {
  return Math.max(
    Math.ceil(total.attributes / limits.perType),
    Math.ceil(total.events / limits.perType),
    Math.ceil(total.purchases / limits.perType),
    Math.ceil(total.total / limits.combined),
    Math.ceil(total.bytes / (limits.bytes - BODY_OVERHEAD_BYTES))
  );
}
function plus(a, b) {
  return {
    attributes: a.attributes + b.attributes,
    events: a.events + b.events,
    purchases: a.purchases + b.purchases,
    total: a.total + b.total,
    bytes: a.bytes + b.bytes
  };
}
function packRequests(atoms, limits, order) {
  const sized = atoms.map((atom) => ({ atom, size: sizeOf(atom), rank: order(atom) }));
  sized.sort((a, b) => b.size.total - a.size.total || b.size.bytes - a.size.bytes || a.rank - b.rank);
  const requests = [];
  for (const entry of sized) {
    let best;
    for (const request of requests) {
      if (!fits(plus(request.size, entry.size), limits)) continue;
      if (!best || request.size.total > best.size.total) best = request;
    }
    if (best) {
      best.atoms.push(entry);
      best.size = plus(best.size, entry.size);
    } else requests.push({ atoms: [entry], size: entry.size });
  }
  return requests.map((request) => {
    const bundle = emptyBundle();
    for (const { atom } of request.atoms.sort((a, b) => a.rank - b.rank)) addTo(bundle, atom);
    return bundle;
  });
}

// src/destination/merge-attributes.ts
var hasOwn2 = Object.prototype.hasOwnProperty;
function mergeKey(object) {
  return `${identityKey(object)}|${String(object._update_existing_only ?? "")}`;
}
function isArrayEdit(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => (key === "add" || key === "remove") && Array.isArray(value[key]));
}
var keyOf = (value) => JSON.stringify(value) ?? String(value);
var keyed = (values) => {
  const map = /* @__PURE__ */ new Map();
  for (const value of values) if (!map.has(keyOf(value))) map.set(keyOf(value), value);
  return map;
};
function combineValues(earlier, later) {
  if (!isArrayEdit(later)) return later;
  if (earlier === void 0) return later;
  if (Array.isArray(earlier) || earlier === null) {
    const list2 = Array.isArray(earlier) ? [...earlier] : [];
    const present = new Set(list2.map(keyOf));
    for (const value of later.add ?? []) {
      const key = keyOf(value);
      if (!present.has(key)) {
        present.add(key);
        list2.push(value);
      }
    }
    const removed = new Set((later.remove ?? []).map(keyOf));
    return removed.size === 0 ? list2 : list2.filter((item2) => !removed.has(keyOf(item2)));
  }
  if (!isArrayEdit(earlier)) return later;
  const add = keyed(earlier.add ?? []);
  const remove = keyed(earlier.remove ?? []);
  for (const value of later.add ?? []) {
    const key = keyOf(value);
    remove.delete(key);
    if (!add.has(key)) add.set(key, value);
  }
  for (const value of later.remove ?? []) {
    const key = keyOf(value);
    add.delete(key);
    if (!remove.has(key)) remove.set(key, value);
  }
  const edit = {};
  if (add.size > 0) edit.add = [...add.values()];
  if (remove.size > 0) edit.remove = [...remove.values()];
  return edit;
}
function inTimeOrder(updates) {
  let last = -Infinity;
  const keyed2 = updates.map((update, position) => {
    if (update.epoch !== void 0) last = update.epoch;
    return { update, at: update.epoch ?? last, position };
  });
  keyed2.sort((a, b) => a.at - b.at || a.position - b.position);
  return keyed2.map(({ update }) => update);
}
function mergeAttributes(updates) {
  const merged = /* @__PURE__ */ new Map();
  for (const { object, owner } of inTimeOrder(updates)) {
    const key = mergeKey(object);
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, { object: { ...object }, owners: [owner] });
      continue;
    }
    const target = existing.object;
    for (const attribute of Object.keys(object)) {
      const earlier = hasOwn2.call(target, attribute) ? target[attribute] : void 0;
      target[attribute] = combineValues(earlier, object[attribute]);
    }
    if (!existing.owners.includes(owner)) existing.owners.push(owner);
  }
  return [...merged.values()];
}

// src/destination/delivery-plan.ts
var MAX_REQUEST_BYTES = 1024 * 1024;
var USER_ENDPOINT_CHUNK = 50;
function requestLimits(maxObjectsPerRequest) {
  return { perType: MAX_OBJECTS_PER_TYPE, combined: maxObjectsPerRequest, bytes: MAX_REQUEST_BYTES };
}
function planDelivery(plans, options) {
  const { limits, memory } = options;
  const delivery = {
    requests: [],
    chains: [],
    merges: [],
    deletes: [],
    expected: plans.map(() => /* @__PURE__ */ new Set()),
    alreadyDelivered: plans.map(() => false),
    ownAttributes: /* @__PURE__ */ new Map(),
    unchangedAttributes: 0
  };
  const groups = /* @__PURE__ */ new Map();
  const groupOf = (key) => {
    let group = groups.get(key);
    if (!group) groups.set(key, group = { updates: [], chunks: [] });
    return group;
  };
  const merges = new Dedup();
  const deletes = new Dedup();
  plans.forEach((plan, owner) => {
    if (!plan) return;
    const recalled = plan.messageId === void 0 ? void 0 : memory?.recall(plan.messageId);
    if (recalled === DELIVERED) {
      delivery.alreadyDelivered[owner] = true;
      return;
    }
    const done = recalled ?? /* @__PURE__ */ new Set();
    if (plan.attributes.length > 0 && !done.has("attributes")) {
      for (const object of plan.attributes) groupOf(identityKey(object)).updates.push({ object, owner, epoch: plan.epoch });
      delivery.ownAttributes.set(owner, plan.attributes.map((object) => item(object, [owner], "attributes")));
    }
    const reserved = plan.attributes.map((object) => item(object, [owner], "attributes"));
    const pending = chunks(plan.events, plan.purchases, owner, reserved, limits).filter((_, index) => !done.has(index));
    const [first2, ...later] = pending;
    if (first2) groupOf(userOf(first2)).chunks.push({ owner, bundle: first2 });
    if (later.length > 0) delivery.chains.push({ owner, parts: later });
    for (const merge2 of plan.merges) {
      const key = JSON.stringify(merge2);
      if (!memory?.mergeDone(key)) merges.add(merge2, key, owner);
    }
    for (const target of plan.deletes) deletes.add(target, JSON.stringify(target), owner);
  });
  const unchanged = { count: 0 };
  const skip = options.skipUnchangedAttributes && memory ? { memory, unchanged } : void 0;
  const byUser = [...groups.values()].flatMap((group) => atomsOf(group, limits, skip, false));
  delivery.unchangedAttributes = unchanged.count;
  delivery.requests = packRequests(byUser, limits, firstOwner);
  if (delivery.requests.length > lowerBound(totalSize(byUser), limits)) {
    const byEvent = packRequests([...groups.values()].flatMap((group) => atomsOf(group, limits, skip, true)), limits, firstOwner);
    if (byEvent.length < delivery.requests.length) delivery.requests = byEvent;
  }
  delivery.merges = merges.items();
  delivery.deletes = deleteRequests(deletes.items());
  for (const bundle of [...delivery.requests, ...delivery.chains.flatMap((chain) => chain.parts)]) {
    for (const array2 of ["attributes", "events", "purchases"]) {
      for (const entry of bundle[array2]) for (const owner of entry.owners) delivery.expected[owner].add(entry.part);
    }
  }
  return delivery;
}
function totalSize(atoms) {
  const all = emptyBundle();
  for (const atom of atoms) addTo(all, atom);
  return sizeOf(all);
}
function userOf(bundle) {
  return identityKey((bundle.events[0] ?? bundle.purchases[0]).object);
}
function firstOwner(bundle) {
  let first2 = Infinity;
  for (const array2 of ["attributes", "events", "purchases"]) for (const entry of bundle[array2]) first2 = Math.min(first2, ...entry.owners);
  return first2;
}
function chunks(events, purchases, owner, reserved, limits) {
  const out = [];
  let current = emptyBundle();
  current.attributes.push(...reserved);
  const place = (array2, object) => {
    const entry = item(object, [owner], out.length);
    current[array2].push(entry);
    if (fits(sizeOf(current), limits) || sizeOf(current).total === 1) return;
    current[array2].pop();
    out.push(current);
    current = emptyBundle();
    entry.part = out.length;
    current[array2].push(entry);
  };
  for (const object of events) place("events", object);
  for (const object of purchases) place("purchases", object);
  if (current.events.length + current.purchases.length > 0) out.push(current);
  if (out[0]) out[0].attributes = [];
  return out;
}
function atomsOf(group, limits, skip, split) {
  if (!split) {
    const whole = emptyBundle();
    whole.attributes.push(...attributeItems(mergeAttributes(group.updates), skip));
    for (const chunk of group.chunks) addTo(whole, chunk.bundle);
    if (fits(sizeOf(whole), limits)) return sizeOf(whole).total > 0 ? [whole] : [];
  }
  const carriers = new Set(group.chunks.map((chunk) => chunk.owner));
  const atoms = [];
  const rest = emptyBundle();
  rest.attributes.push(...attributeItems(mergeAttributes(group.updates.filter((update) => !carriers.has(update.owner))), skip));
  if (rest.attributes.length > 0) atoms.push(rest);
  for (const chunk of group.chunks) {
    const atom = emptyBundle();
    atom.attributes.push(...attributeItems(mergeAttributes(group.updates.filter((update) => update.owner === chunk.owner)), skip));
    addTo(atom, chunk.bundle);
    atoms.push(atom);
  }
  return atoms;
}
function attributeItems(merged, skip) {
  const items = [];
  for (const { object, owners } of merged) {
    const kept = skip ? withoutUnchanged(object, skip) : object;
    if (kept) items.push(item(kept, owners, "attributes"));
  }
  return items;
}
var CONTROL_KEYS = /* @__PURE__ */ new Set(["_update_existing_only", "_merge_objects"]);
function isPlainValue(value) {
  if (value === null) return false;
  if (typeof value !== "object" || Array.isArray(value)) return true;
  if (isArrayEdit(value)) return false;
  const keys = Object.keys(value);
  return !(keys.length === 1 && keys[0] === "inc") && !keys.some((key) => key.startsWith("$"));
}
function withoutUnchanged(object, { memory, unchanged }) {
  const user = identityKey(object);
  const identifier = identifierKey(object);
  const record = object;
  const kept = {};
  let attributes = 0;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const identifies = key === identifier || CONTROL_KEYS.has(key);
    if (!identifies && isPlainValue(value) && memory.deliveredValue(user, key) === JSON.stringify(value)) {
      unchanged.count++;
      continue;
    }
    kept[key] = value;
    if (!identifies) attributes++;
  }
  return attributes > 0 ? kept : void 0;
}
var Dedup = class {
  byKey = /* @__PURE__ */ new Map();
  add(object, key, owner) {
    const existing = this.byKey.get(key);
    if (!existing) this.byKey.set(key, { object, owners: [owner], key });
    else if (!existing.owners.includes(owner)) existing.owners.push(owner);
  }
  items() {
    return [...this.byKey.values()];
  }
};
function deleteRequests(items) {
  const out = [];
  const kinds = [
    { field: "external_ids", of: (target) => "external_id" in target ? target.external_id : void 0 },
    { field: "user_aliases", of: (target) => "user_alias" in target ? target.user_alias : void 0 }
  ];
  for (const { field: field2, of } of kinds) {
    const mine = items.filter((entry) => of(entry.object) !== void 0);
    for (const chunk of chunked(mine, USER_ENDPOINT_CHUNK)) {
      out.push({ body: { [field2]: chunk.map((entry) => of(entry.object)) }, owners: [...new Set(chunk.flatMap((entry) => entry.owners))] });
    }
  }
  return out;
}
function chunked(items, size) {
  const out = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

// src/destination/deliver.ts
var FOLLOW_UP_MIN_MS = 1e3;
async function deliver(plans, options) {
  const { connection } = options;
  const opened = await openMemory(connection.dataCenter.restHost, connection.apiKey);
  const limits = requestLimits(options.maxObjectsPerRequest);
  const plan = planDelivery(plans, { limits, memory: opened?.memory, skipUnchangedAttributes: options.skipUnchangedAttributes });
  const run = new Delivery(plan, options, opened?.memory);
  await run.go();
  if (opened) {
    plans.forEach((event, owner) => {
      if (event?.messageId !== void 0 && !plan.alreadyDelivered[owner]) {
        opened.memory.remember(event.messageId, run.accepted[owner], run.failures[owner].length === 0);
      }
    });
    await opened.save();
  }
  return { failures: run.failures, alreadyDelivered: plan.alreadyDelivered, calls: run.calls, unchangedAttributes: plan.unchangedAttributes };
}
var Delivery = class {
  constructor(plan, options, memory) {
    this.plan = plan;
    this.options = options;
    this.memory = memory;
    this.failures = plan.expected.map(() => []);
    this.accepted = plan.expected.map(() => /* @__PURE__ */ new Set());
  }
  plan;
  options;
  memory;
  failures;
  accepted;
  calls = [];
  /** Merged attribute objects Braze refused, to resend per event. */
  refused = [];
  mergesSent = /* @__PURE__ */ new Set();
  async go() {
    await Promise.all([...this.plan.requests.map((request) => this.track(request)), ...this.plan.deletes.map((request) => this.delete(request))]);
    await Promise.all([this.merges(), ...this.plan.chains.map((chain) => this.chain(chain)), this.resendRefused()]);
    for (const merge2 of this.plan.merges) {
      if (this.mergesSent.has(merge2.key)) continue;
      for (const owner of merge2.owners) if (this.failures[owner].length === 0) this.fail(owner, "retry", "The merge of an earlier profile could not be sent in this invocation.");
    }
  }
  fail(owner, kind, message) {
    this.failures[owner].push({ kind, message });
  }
  timeLeft() {
    return this.options.connection.deadline - Date.now();
  }
  async call(path2, body) {
    const outcome = await callBraze(path2, body, this.options.connection);
    this.calls.push({ path: path2, body, outcome });
    return outcome;
  }
  async track(request) {
    const outcome = await this.call("/users/track", bodyOf(request));
    const items = itemsOf(request);
    if (outcome.kind !== "accepted") {
      for (const { item: item2 } of items) for (const owner of item2.owners) this.fail(owner, outcome.kind, outcome.message);
      return;
    }
    const rejected = new Map(outcome.rejected.map((entry) => [`${entry.array}:${entry.index}`, entry.message]));
    const positions = { attributes: 0, events: 0, purchases: 0 };
    for (const { array: array2, item: item2 } of items) {
      const position = `${array2}:${positions[array2]++}`;
      const message = rejected.get(position);
      rejected.delete(position);
      if (message === void 0) {
        for (const owner of item2.owners) this.accepted[owner].add(item2.part);
        if (array2 === "attributes") this.rememberValues(item2.object);
      } else if (array2 === "attributes" && item2.owners.length > 1) {
        this.refused.push({ owners: item2.owners, message });
      } else {
        for (const owner of item2.owners) this.fail(owner, "reject", `Braze rejected the ${array2 === "attributes" ? "attributes" : array2.slice(0, -1)} object: ${message}`);
      }
    }
    const unattributed = [...outcome.unattributed, ...[...rejected].map(([position, message]) => `${message} (${position}, which this request did not have)`)];
    if (unattributed.length > 0) {
      const message = `Braze reported errors for /users/track that name no object it was sent: ${unattributed.slice(0, 3).join("; ")}`;
      for (const owner of new Set(items.flatMap(({ item: item2 }) => item2.owners))) this.fail(owner, "reject", message);
    }
  }
  rememberValues(object) {
    if (!this.memory || !this.options.skipUnchangedAttributes || object._update_existing_only === true) return;
    const values = [];
    for (const [key, value] of Object.entries(object)) values.push([key, isPlainValue(value) ? JSON.stringify(value) : void 0]);
    this.memory.rememberValues(identityKey(object), values);
  }
  async delete(request) {
    const outcome = await this.call("/users/delete", request.body);
    if (outcome.kind !== "accepted") for (const owner of request.owners) this.fail(owner, outcome.kind, outcome.message);
  }
  /** The later parts of a split event, one after another: a part is sent only once the one before it was accepted. */
  async chain({ owner, parts }) {
    for (const [index, part] of parts.entries()) {
      if (this.failures[owner].length > 0) return;
      if (this.timeLeft() < FOLLOW_UP_MIN_MS) {
        return this.fail(owner, "retry", `The invocation ran out of time after part ${index + 1} of this event; Braze has the parts before it.`);
      }
      await this.track(part);
    }
    await this.merges();
  }
  /** Each event whose merged attributes Braze refused gets its own attributes resent, unmerged. */
  async resendRefused() {
    if (this.refused.length === 0) return;
    const owners = [...new Set(this.refused.flatMap((entry) => entry.owners))];
    if (this.timeLeft() < FOLLOW_UP_MIN_MS) {
      for (const { owners: behind, message } of this.refused) {
        for (const owner of behind) this.fail(owner, "retry", `Braze refused this user's merged attributes (${message}); no time was left to resend them one event at a time.`);
      }
      return;
    }
    const atoms = owners.map((owner) => {
      const atom = emptyBundle();
      atom.attributes.push(...this.plan.ownAttributes.get(owner) ?? []);
      return atom;
    });
    const limits = requestLimits(this.options.maxObjectsPerRequest);
    await Promise.all(packRequests(atoms, limits, (atom) => atom.attributes[0].owners[0]).map((request) => this.track(request)));
    await this.merges();
  }
  /** An event is ready to merge when Braze accepted every part it sent in this invocation. */
  ready(owner) {
    if (this.failures[owner].length > 0) return false;
    for (const part of this.plan.expected[owner]) if (!this.accepted[owner].has(part)) return false;
    return true;
  }
  /** Sends the merges that have a ready owner and were not sent yet. */
  async merges() {
    const due = this.plan.merges.filter((merge2) => !this.mergesSent.has(merge2.key) && merge2.owners.some((owner) => this.ready(owner)));
    for (const merge2 of due) this.mergesSent.add(merge2.key);
    await Promise.all(chunked(due, USER_ENDPOINT_CHUNK).map((chunk) => this.merge(chunk, true)));
  }
  async merge(chunk, mayResend) {
    const outcome = await this.call("/users/merge", { merge_updates: chunk.map((entry) => entry.object) });
    if (outcome.kind === "accepted") {
      for (const entry of chunk) this.memory?.rememberMerge(entry.key);
      return;
    }
    if (outcome.kind === "reject" && chunk.length > 1 && mayResend && this.timeLeft() > 0) {
      await Promise.all(chunk.map((entry) => this.merge([entry], false)));
      return;
    }
    for (const entry of chunk) for (const owner of entry.owners) this.fail(owner, outcome.kind, outcome.message);
  }
};
function worstFailure(failures) {
  if (failures.length === 0) return void 0;
  const kind = failures.some((failure3) => failure3.kind === "retry") ? "retry" : "reject";
  const messages = [...new Set(failures.map((failure3) => failure3.message))];
  const shown = messages.slice(0, 3).join(" | ");
  return { kind, message: messages.length > 3 ? `${shown} | and ${messages.length - 3} more` : shown };
}

// src/destination/errors.ts
var SEGMENT_ERROR_KINDS = [
  "ValidationError",
  "InvalidEventPayload",
  "EventNotSupported",
  "RetryError"
];
var localClasses = {
  ValidationError: class ValidationError extends Error {
    name = "ValidationError";
  },
  InvalidEventPayload: class InvalidEventPayload extends Error {
    name = "InvalidEventPayload";
  },
  EventNotSupported: class EventNotSupported extends Error {
    name = "EventNotSupported";
  },
  RetryError: class RetryError extends Error {
    name = "RetryError";
  }
};
function segmentErrorClass(kind) {
  const global = globalThis[kind];
  return typeof global === "function" ? global : localClasses[kind];
}
function segmentError(kind, message) {
  const ErrorClass = segmentErrorClass(kind);
  return new ErrorClass(message);
}
function problem(kind, message) {
  return { kind, message };
}
function isProblem(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { kind, message } = value;
  return SEGMENT_ERROR_KINDS.includes(kind) && typeof message === "string";
}
function isSegmentError(error) {
  if (error === null || typeof error !== "object") return false;
  return SEGMENT_ERROR_KINDS.some((kind) => error instanceof segmentErrorClass(kind) || error instanceof localClasses[kind]);
}
function describeThrown(error) {
  const name = error?.name;
  const message = error?.message;
  return {
    name: typeof name === "string" ? name : typeof error,
    message: typeof message === "string" ? message : String(error)
  };
}

// src/destination/engage.ts
function engageContext(event) {
  const personas = path(event, "context", "personas");
  if (personas === void 0 || personas === null || typeof personas !== "object") return void 0;
  const raw = field(personas, "computation_class");
  const computationClass = raw === "audience" || raw === "journey_step" || raw === "trait" ? raw : "other";
  const key = field(personas, "computation_key");
  return { computationClass, computationKey: typeof key === "string" && key !== "" ? key : void 0 };
}
function isMembership(context) {
  return context?.computationClass === "audience" || context?.computationClass === "journey_step";
}
function membershipValue(value) {
  if (typeof value === "boolean") return value;
  if (value === "true") return true;
  if (value === "false") return false;
  return void 0;
}
function memberships(values, context, extraKey) {
  const candidates = [context.computationKey, typeof extraKey === "string" ? extraKey : void 0];
  for (const key of candidates) {
    if (key === void 0 || badKey(key, false) !== void 0) continue;
    const value = membershipValue(field(values, key));
    if (value !== void 0) return [[key, value]];
  }
  const found = [];
  for (const key of Object.keys(values)) {
    if (badKey(key, false) !== void 0) continue;
    const value = membershipValue(values[key]);
    if (value !== void 0) found.push([key, value]);
  }
  return found;
}
function audienceArrayUpdate(memberships2) {
  const add = memberships2.filter(([, member]) => member).map(([key]) => key);
  const remove = memberships2.filter(([, member]) => !member).map(([key]) => key);
  if (add.length === 0 && remove.length === 0) return void 0;
  const update = {};
  if (add.length > 0) update.add = add;
  if (remove.length > 0) update.remove = remove;
  return update;
}

// src/destination/identity.ts
var BRAZE_ID_PATHS = [
  ["integrations", "Braze", "braze_id"],
  ["integrations", "Appboy", "braze_id"],
  ["context", "traits", "braze_id"],
  ["traits", "braze_id"],
  ["properties", "braze_id"]
];
var EMAIL_PATHS = [["traits", "email"], ["context", "traits", "email"]];
var PHONE_PATHS = [["traits", "phone"], ["context", "traits", "phone"]];
function first(event, paths) {
  for (const keys of paths) {
    const value = nonBlank(path(event, ...keys));
    if (value !== void 0) return value;
  }
  return void 0;
}
function aliasFor(anonymousId, settings) {
  return settings.anonymousAliasLabel ? { user_alias: { alias_name: anonymousId, alias_label: settings.anonymousAliasLabel } } : void 0;
}
function resolveIdentifier(event, settings) {
  const userId = nonBlank(event.userId);
  if (userId !== void 0) return { external_id: userId };
  const brazeId = first(event, BRAZE_ID_PATHS);
  if (brazeId !== void 0) return { braze_id: brazeId };
  const anonymousId = nonBlank(event.anonymousId);
  const alias = anonymousId === void 0 ? void 0 : aliasFor(anonymousId, settings);
  if (alias) return alias;
  const email2 = first(event, EMAIL_PATHS);
  if (email2 !== void 0) return { email: email2 };
  const phone = first(event, PHONE_PATHS);
  if (phone !== void 0) return { phone };
  return problem("ValidationError", missingIdentifierMessage(anonymousId !== void 0));
}
function updateExistingOnlyFlag(identifier, settings) {
  if ("user_alias" in identifier) return settings.updateExistingOnly;
  if ("braze_id" in identifier) return void 0;
  return settings.updateExistingOnly ? true : void 0;
}
var LEAD_PRIORITIZATION = ["unidentified", "most_recently_updated"];
function earlierProfiles(event, externalId, attributes, settings) {
  const keep = { external_id: externalId };
  const merges = [];
  const anonymousId = nonBlank(event.anonymousId);
  const alias = anonymousId === void 0 ? void 0 : aliasFor(anonymousId, settings);
  if (alias && "user_alias" in alias) merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep });
  if (typeof attributes.email === "string") {
    merges.push({ identifier_to_merge: { email: attributes.email, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep });
  }
  if (typeof attributes.phone === "string") {
    merges.push({ identifier_to_merge: { phone: attributes.phone, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep });
  }
  return merges;
}
function missingIdentifierMessage(hasAnonymousId) {
  const why = hasAnonymousId ? "this event has only an anonymousId" : "this event has no userId (and no braze_id, email or phone)";
  return `Braze needs an identified user, but ${why}. Send the event with a userId (Braze external_id), or set the "anonymousAliasLabel" setting (Anonymous Alias Label) to send anonymous users to Braze as user aliases.`;
}

// src/destination/standard-attributes.ts
var GENDERS = {
  m: "M",
  male: "M",
  man: "M",
  f: "F",
  female: "F",
  woman: "F",
  o: "O",
  other: "O",
  "non-binary": "O",
  nonbinary: "O",
  "non binary": "O",
  n: "N",
  "not applicable": "N",
  "n/a": "N",
  na: "N",
  p: "P",
  "prefer not to say": "P",
  "prefer not to answer": "P"
};
var SUBSCRIBE_STATES = /* @__PURE__ */ new Set(["opted_in", "subscribed", "unsubscribed"]);
var GROUP_STATES = /* @__PURE__ */ new Set(["subscribed", "unsubscribed"]);
function text(value, label, warnings) {
  if (value === null) return null;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value !== "string") {
    if (value !== void 0) warnings.push(`${label} was dropped: expected text.`);
    return void 0;
  }
  const context = { warnings, label, mode: "attribute" };
  return cutString(value, context);
}
var HAS_ZONE = /\b(?:GMT|UTC)\b|:\d{2}(?:\.\d+)?\s*(?:Z\b|[+-]\d{2}:?\d{2}\b)/i;
function toDob(value) {
  if (typeof value === "string") {
    const iso = /^(\d{4})-(\d{2})-(\d{2})/.exec(value.trim());
    if (iso) return validDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) return void 0;
    if (!HAS_ZONE.test(value)) {
      const local = new Date(parsed);
      return validDate(local.getFullYear(), local.getMonth() + 1, local.getDate());
    }
    return fromEpoch(parsed);
  }
  if (isDate(value)) return fromEpoch(value.getTime());
  if (typeof value === "number" && Number.isFinite(value)) return fromEpoch(Math.abs(value) < 1e11 ? value * 1e3 : value);
  return void 0;
}
function fromEpoch(ms) {
  const date2 = new Date(ms);
  if (Number.isNaN(date2.getTime())) return void 0;
  return validDate(date2.getUTCFullYear(), date2.getUTCMonth() + 1, date2.getUTCDate());
}
function validDate(year, month, day) {
  const date2 = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || year > 9999 || date2.getUTCMonth() !== month - 1 || date2.getUTCDate() !== day) return void 0;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
var knownZones = /* @__PURE__ */ new Map();
function ianaTimeZone(zone) {
  let canonical = knownZones.get(zone);
  if (canonical === void 0) {
    try {
      const resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
      canonical = /\//.test(resolved) || resolved === "UTC" ? resolved : null;
    } catch {
      canonical = null;
    }
    if (knownZones.size < 1e3) knownZones.set(zone, canonical);
  }
  return canonical ?? void 0;
}
function defined(...values) {
  return values.find((value) => value !== void 0);
}
function splitName(name) {
  if (typeof name !== "string" || name.trim() === "") return {};
  const [first2, ...rest] = name.trim().split(/\s+/);
  return rest.length > 0 ? { first_name: first2, last_name: rest.join(" ") } : { first_name: first2 };
}
var STANDARD_MAPPINGS = [
  {
    consumes: ["firstName", "first_name", "lastName", "last_name", "name"],
    map(traits, _event, warnings) {
      const out = {};
      const first2 = defined(field(traits, "firstName"), field(traits, "first_name"));
      const last = defined(field(traits, "lastName"), field(traits, "last_name"));
      const split = first2 === void 0 && last === void 0 ? splitName(field(traits, "name")) : {};
      const firstName = text(defined(first2, split.first_name), 'trait "firstName"', warnings);
      const lastName = text(defined(last, split.last_name), 'trait "lastName"', warnings);
      if (firstName !== void 0) out.first_name = firstName;
      if (lastName !== void 0) out.last_name = lastName;
      return out;
    }
  },
  {
    consumes: ["email", "phone"],
    map(traits, _event, warnings) {
      const out = {};
      for (const key of ["email", "phone"]) {
        const value = text(field(traits, key), `trait "${key}"`, warnings);
        if (typeof value === "string" && value.trim() === "") continue;
        if (value !== void 0) out[key] = typeof value === "string" ? value.trim() : value;
      }
      return out;
    }
  },
  {
    consumes: ["gender"],
    map(traits, _event, warnings) {
      const gender = field(traits, "gender");
      if (gender === void 0) return {};
      if (gender === null) return { gender: null };
      const spelling = typeof gender === "string" ? gender.trim().toLowerCase() : void 0;
      const code = spelling !== void 0 && Object.prototype.hasOwnProperty.call(GENDERS, spelling) ? GENDERS[spelling] : void 0;
      if (code) return { gender: code };
      warnings.push('trait "gender" was dropped: Braze takes male, female, other, not applicable or prefer not to say.');
      return {};
    }
  },
  {
    consumes: ["birthday"],
    map(traits, _event, warnings) {
      const birthday = field(traits, "birthday");
      if (birthday === void 0) return {};
      if (birthday === null) return { dob: null };
      const dob = toDob(birthday);
      if (dob) return { dob };
      warnings.push('trait "birthday" was dropped: not a date.');
      return {};
    }
  },
  {
    consumes: ["address"],
    map(traits, _event, warnings) {
      const address = dict(field(traits, "address"));
      if (!address) return {};
      const out = {};
      const city = text(field(address, "city"), 'trait "address.city"', warnings);
      const country = text(field(address, "country"), 'trait "address.country"', warnings);
      if (city !== void 0) out.home_city = city;
      if (country !== void 0) out.country = country;
      return out;
    }
  },
  {
    consumes: ["avatar"],
    map(traits, _event, warnings) {
      const avatar = field(traits, "avatar");
      if (avatar === void 0) return {};
      if (avatar === null) return { image_url: null };
      if (typeof avatar === "string" && avatar.length <= 1024) return { image_url: avatar };
      warnings.push('trait "avatar" was dropped: Braze takes an image URL of at most 1024 characters.');
      return {};
    }
  },
  {
    consumes: [],
    map(_traits, event, warnings) {
      const out = {};
      const zone = path(event, "context", "timezone");
      if (typeof zone === "string" && zone !== "") {
        const canonical = ianaTimeZone(zone);
        if (canonical) out.time_zone = canonical;
        else warnings.push("context.timezone was dropped: not an IANA time zone.");
      }
      const locale = path(event, "context", "locale");
      if (typeof locale === "string") {
        const language = /^([a-z]{2})(?:[-_]|$)/i.exec(locale.trim());
        if (language) out.language = language[1].toLowerCase();
      }
      return out;
    }
  },
  {
    consumes: ["email_subscribe", "push_subscribe", "subscription_groups"],
    map(traits, _event, warnings) {
      const out = {};
      for (const key of ["email_subscribe", "push_subscribe"]) {
        const state = field(traits, key);
        if (state === void 0) continue;
        if (typeof state === "string" && SUBSCRIBE_STATES.has(state)) out[key] = state;
        else warnings.push(`trait "${key}" was dropped: Braze takes opted_in, subscribed or unsubscribed.`);
      }
      const groups = field(traits, "subscription_groups");
      if (groups !== void 0) {
        const valid = Array.isArray(groups) && groups.length > 0 && groups.every(isSubscriptionGroup);
        if (valid) out.subscription_groups = groups.map((group) => ({ subscription_group_id: group.subscription_group_id, subscription_state: group.subscription_state }));
        else warnings.push('trait "subscription_groups" was dropped: Braze takes [{subscription_group_id, subscription_state: "subscribed"|"unsubscribed"}].');
      }
      return out;
    }
  }
];
function isSubscriptionGroup(group) {
  const id = field(group, "subscription_group_id");
  const state = field(group, "subscription_state");
  return typeof id === "string" && id !== "" && typeof state === "string" && GROUP_STATES.has(state);
}
var STANDARD_TRAITS = new Set(STANDARD_MAPPINGS.flatMap((mapping) => mapping.consumes));

// src/destination/attributes.ts
var MAX_NESTED_BYTES = 100 * 1024;
var IDENTIFIER_TRAITS = /* @__PURE__ */ new Set(["braze_id"]);
var RESERVED_TRAITS = /* @__PURE__ */ new Set(["external_id", "user_alias", "_update_existing_only", "_merge_objects"]);
function attributesBase(identifier, settings) {
  const base = identifierObject(identifier);
  const updateExistingOnly = updateExistingOnlyFlag(identifier, settings);
  if (updateExistingOnly !== void 0) base._update_existing_only = updateExistingOnly;
  return base;
}
function mapTraits(event, identifier, settings, warnings) {
  const traits = dict(event.traits) ?? {};
  const out = attributesBase(identifier, settings);
  for (const key of Object.keys(traits)) {
    if (STANDARD_TRAITS.has(key) || IDENTIFIER_TRAITS.has(key)) continue;
    const reason = RESERVED_TRAITS.has(key) ? "a key of the Braze user object" : badKey(key, false);
    if (reason) {
      warnings.push(`trait "${key.slice(0, 64)}" was dropped: ${reason}.`);
      continue;
    }
    const label = `trait "${key}"`;
    const value = toBrazeValue(traits[key], { warnings, label, mode: "attribute" });
    if (value === void 0) continue;
    if (value !== null && typeof value === "object" && !fitsIn(value, MAX_NESTED_BYTES)) {
      warnings.push(`${label} was dropped: over Braze's ${MAX_NESTED_BYTES / 1024} KB limit for a nested attribute.`);
      continue;
    }
    out[key] = value;
  }
  for (const mapping of STANDARD_MAPPINGS) Object.assign(out, mapping.map(traits, event, warnings));
  Object.assign(out, identifier);
  if ("phone" in identifier && "email" in out) {
    delete out.email;
    warnings.push('trait "email" was dropped: it is null, and Braze would identify the user by it rather than by the phone.');
  }
  const engage = engageContext(event);
  if (engage && isMembership(engage)) {
    const members2 = memberships(traits, engage).filter(
      ([key]) => !STANDARD_TRAITS.has(key) && !IDENTIFIER_TRAITS.has(key) && !RESERVED_TRAITS.has(key)
    );
    for (const [key, member] of members2) out[key] = member;
    if (settings.audienceAttribute) {
      const update = audienceArrayUpdate(members2);
      if (update) out[settings.audienceAttribute] = update;
    }
  }
  return out;
}

// src/destination/event-properties.ts
var MAX_PROPERTIES_BYTES = 50 * 1024;
var RESERVED_PROPERTY_KEYS = /* @__PURE__ */ new Map([
  ["time", "segment_time"],
  ["event_name", "segment_event_name"]
]);
function toEventProperties(source, warnings, what) {
  const properties = convertProperties(source, warnings);
  if (properties === void 0) return { properties };
  const problem2 = fitsIn(properties, MAX_PROPERTIES_BYTES) ? void 0 : sizeProblem(jsonSize(properties), what);
  return problem2 ? { problem: problem2 } : { properties };
}
function convertProperties(source, warnings, skip) {
  const out = {};
  let count = 0;
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    const target = RESERVED_PROPERTY_KEYS.get(key) ?? key;
    const reason = badKey(target, false);
    if (reason) {
      warnings.push(`property "${key.slice(0, 64)}" was dropped: ${reason}.`);
      continue;
    }
    const value = toBrazeValue(source[key], { warnings, label: `property "${key}"`, mode: "property" });
    if (value === void 0) continue;
    out[target] = value;
    count++;
  }
  return count === 0 ? void 0 : out;
}
function sizeProblem(bytes, what) {
  if (bytes <= MAX_PROPERTIES_BYTES) return void 0;
  return problem(
    "InvalidEventPayload",
    `The ${what} properties are ${Math.ceil(bytes / 1024)} KB; Braze accepts at most ${MAX_PROPERTIES_BYTES / 1024} KB per event. Send fewer or smaller properties.`
  );
}

// src/destination/event-time.ts
var TIME_FIELDS = ["timestamp", "originalTimestamp", "receivedAt"];
var MIN_MS = Date.parse("0000-01-01T00:00:00.000Z");
var MAX_MS = Date.parse("9999-12-31T23:59:59.999Z");
function eventEpoch(event) {
  for (const key of TIME_FIELDS) {
    const value = Object.prototype.hasOwnProperty.call(event, key) ? event[key] : void 0;
    if (typeof value !== "string" && !isDate(value)) continue;
    const ms = isDate(value) ? value.getTime() : Date.parse(value);
    if (Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS) return ms;
  }
  return void 0;
}
function brazeTime(epoch, now = Date.now) {
  return new Date(epoch ?? now()).toISOString();
}

// src/destination/plan.ts
function emptyPlan(warnings, epoch, messageId) {
  return { attributes: [], events: [], purchases: [], merges: [], deletes: [], warnings, epoch, messageId };
}

// src/destination/purchases.ts
var MAX_QUANTITY = 100;
var MAX_PRODUCT_QUANTITY = MAX_OBJECTS_PER_TYPE * MAX_QUANTITY;
var PRODUCT_ID_FIELDS = ["product_id", "sku", "id", "name"];
var ORDER_ONLY = /* @__PURE__ */ new Set(["products"]);
var CONSUMED_BY_ID_FIELD = new Map(PRODUCT_ID_FIELDS.map((idField) => [idField, /* @__PURE__ */ new Set([idField, "price", "quantity", "currency"])]));
function toNumber(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : void 0;
  if (typeof value === "string" && /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i.test(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : void 0;
  }
  return void 0;
}
function productPurchases(product, index, input, order, warnings) {
  const idField = PRODUCT_ID_FIELDS.find((key) => nonBlank(field(product, key)) !== void 0);
  if (idField === void 0) return "it has no product_id, sku, id or name";
  const productId = nonBlank(field(product, idField));
  if (productId.length > 255) return "its product id is over 255 characters";
  const price = toNumber(field(product, "price"));
  if (price === void 0) return "it has no numeric price";
  const rawQuantity = field(product, "quantity");
  const quantity = rawQuantity === void 0 || rawQuantity === null ? 1 : toNumber(rawQuantity);
  if (quantity === void 0 || !Number.isInteger(quantity) || quantity < 1) return "its quantity is not a whole number of at least 1";
  if (quantity > MAX_PRODUCT_QUANTITY) return `its quantity ${quantity} is over ${MAX_PRODUCT_QUANTITY}`;
  const rawCurrency = nonBlank(field(product, "currency")) ?? nonBlank(field(input.properties, "currency")) ?? "USD";
  const currency = rawCurrency.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return `its currency "${rawCurrency.slice(0, 16)}" is not a three-letter ISO 4217 code`;
  const own2 = convertProperties(product, warnings, CONSUMED_BY_ID_FIELD.get(idField));
  const properties = own2 && order ? Object.assign({}, order, own2) : own2 ?? order;
  if (properties && !fitsIn(properties, MAX_PROPERTIES_BYTES)) return sizeProblem(jsonSize(properties), `purchase of product ${index + 1}`).message;
  const base = identifierObject(input.identifier);
  if (input.appId) base.app_id = input.appId;
  base.product_id = productId;
  base.currency = currency;
  base.price = price;
  base.time = input.time;
  if (properties) base.properties = properties;
  const updateExistingOnly = updateExistingOnlyFlag(input.identifier, { updateExistingOnly: input.updateExistingOnly === true });
  if (updateExistingOnly !== void 0) base._update_existing_only = updateExistingOnly;
  const purchases = [];
  for (let left = quantity; left > 0; left -= MAX_QUANTITY) {
    const purchase = Object.assign({}, base);
    purchase.quantity = Math.min(left, MAX_QUANTITY);
    purchases.push(purchase);
  }
  return purchases;
}
function mapPurchases(input, warnings) {
  const products = field(input.properties, "products");
  if (!Array.isArray(products) || products.length === 0) {
    return problem("InvalidEventPayload", `"${input.eventName}" is a purchase event but has no properties.products list, so there is nothing to send to Braze as a purchase.`);
  }
  const order = convertProperties(input.properties, warnings, ORDER_ONLY);
  const purchases = [];
  const reasons = [];
  products.forEach((raw, index) => {
    const product = dict(raw);
    const result = product ? productPurchases(product, index, input, order, warnings) : "it is not an object";
    if (typeof result === "string") {
      reasons.push(`product ${index + 1}: ${result}`);
      warnings.push(`product ${index + 1} was skipped: ${result}.`);
    } else purchases.push(...result);
  });
  if (purchases.length === 0) {
    return problem("InvalidEventPayload", `"${input.eventName}" has no product Braze can record as a purchase (${reasons.slice(0, 5).join("; ")}).`);
  }
  return purchases;
}

// src/destination/map-event.ts
function mapEvent(raw, settings, now = Date.now, asType) {
  if (!isDict(raw)) return problem("InvalidEventPayload", "The event is not a JSON object.");
  const type = asType ?? raw.type;
  switch (type) {
    case "identify":
      return withIdentifier(raw, settings, (identifier, plan) => mapIdentify(raw, identifier, settings, plan));
    case "track":
      return withIdentifier(raw, settings, (identifier, plan) => mapTrack(raw, identifier, settings, plan, now));
    case "page":
    case "screen":
      return mapView(raw, type, settings, now);
    case "group":
      return withIdentifier(raw, settings, (identifier, plan) => mapGroup(raw, identifier, settings, plan));
    case "alias":
      return mapAlias(raw, settings);
    case "delete":
      return mapDelete(raw, settings);
    default:
      return problem("EventNotSupported", `Event type ${JSON.stringify(String(type)).slice(0, 40)} is not supported by the Braze destination function.`);
  }
}
function withIdentifier(event, settings, build) {
  const identifier = resolveIdentifier(event, settings);
  if (isProblem(identifier)) return identifier;
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event));
  return build(identifier, plan) ?? bounded(plan);
}
var MAX_OBJECTS_PER_EVENT = 300;
function bounded(plan) {
  const objects = plan.attributes.length + plan.events.length + plan.purchases.length;
  if (objects <= MAX_OBJECTS_PER_EVENT) return plan;
  return problem(
    "InvalidEventPayload",
    `This event would become ${objects} Braze objects (${plan.purchases.length} of them purchases: one per product, and one per 100 of a quantity); the function sends at most ${MAX_OBJECTS_PER_EVENT} for one event. Split the order, or send it with ecommerceMode "recommended".`
  );
}
function messageIdOf(event) {
  return nonBlank(event.messageId);
}
function mapIdentify(event, identifier, settings, plan) {
  const attributes = mapTraits(event, identifier, settings, plan.warnings);
  plan.attributes.push(attributes);
  if ("external_id" in identifier) plan.merges.push(...earlierProfiles(event, identifier.external_id, attributes, settings));
}
function mapTrack(event, identifier, settings, plan, now) {
  const name = nonBlank(event.event);
  if (name === void 0) return problem("InvalidEventPayload", 'A track call needs an "event" name; this one has none.');
  const properties = dict(event.properties) ?? {};
  const time2 = brazeTime(plan.epoch, now);
  if (settings.purchaseEvents.includes(name.trim().toLowerCase())) {
    const purchases = mapPurchases(
      { identifier, properties, time: time2, appId: settings.appId, eventName: name, updateExistingOnly: settings.updateExistingOnly },
      plan.warnings
    );
    if (isProblem(purchases)) return purchases;
    plan.purchases.push(...purchases);
    return;
  }
  const engage = engageContext(event);
  const members2 = engage && isMembership(engage) ? memberships(properties, engage, properties.audience_key) : [];
  const normalized = members2.length > 0 ? { ...properties, ...Object.fromEntries(members2) } : properties;
  const mapped = toEventProperties(normalized, plan.warnings, `"${name.slice(0, 64)}" event`);
  if ("problem" in mapped) return mapped.problem;
  plan.events.push(customEvent(identifier, eventName(name, plan.warnings), time2, settings, mapped.properties));
  const update = settings.audienceAttribute ? audienceArrayUpdate(members2) : void 0;
  if (update && settings.audienceAttribute) {
    const attributes = attributesBase(identifier, settings);
    attributes[settings.audienceAttribute] = update;
    plan.attributes.push(attributes);
  }
}
function eventName(name, warnings) {
  return cutString(name, { warnings, label: "the event name", mode: "property" });
}
function customEvent(identifier, name, time2, settings, properties) {
  const event = identifierObject(identifier);
  if (settings.appId) event.app_id = settings.appId;
  event.name = name;
  event.time = time2;
  if (properties) event.properties = properties;
  const updateExistingOnly = updateExistingOnlyFlag(identifier, settings);
  if (updateExistingOnly !== void 0) event._update_existing_only = updateExistingOnly;
  return event;
}
function viewName(event, type) {
  const name = nonBlank(event.name)?.trim();
  if (type === "screen") return name ? `Viewed ${name} Screen` : "Loaded a Screen";
  const category = nonBlank(event.category)?.trim();
  if (!name) return "Loaded a Page";
  return category ? `Viewed ${category} ${name} Page` : `Viewed ${name} Page`;
}
function mapView(event, type, settings, now) {
  const enabled = type === "page" ? settings.sendPageEvents : settings.sendScreenEvents;
  if (!enabled) {
    const setting = type === "page" ? "sendPageEvents" : "sendScreenEvents";
    return problem("EventNotSupported", `${type} calls are not sent to Braze: turn on the "${setting}" setting to send them as custom events.`);
  }
  return withIdentifier(event, settings, (identifier, plan) => {
    const name = viewName(event, type);
    const mapped = toEventProperties(dict(event.properties) ?? {}, plan.warnings, `"${name.slice(0, 64)}" event`);
    if ("problem" in mapped) return mapped.problem;
    plan.events.push(customEvent(identifier, eventName(name, plan.warnings), brazeTime(plan.epoch, now), settings, mapped.properties));
  });
}
function mapGroup(event, identifier, settings, plan) {
  const groupId = nonBlank(event.groupId);
  if (groupId === void 0) return problem("InvalidEventPayload", "A group call needs a groupId; this one has none.");
  const key = `ab_segment_group_${groupId}`;
  if (key.length > 255) return problem("InvalidEventPayload", "The groupId is too long to be a Braze attribute name.");
  const attributes = attributesBase(identifier, settings);
  attributes[key] = true;
  plan.attributes.push(attributes);
}
function mapAlias(event, settings) {
  const userId = nonBlank(event.userId);
  const previousId = nonBlank(event.previousId);
  if (userId === void 0 || previousId === void 0) {
    return problem("InvalidEventPayload", "An alias call needs both previousId and userId.");
  }
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event));
  if (previousId === userId) {
    plan.warnings.push("previousId equals userId: nothing to merge.");
    return plan;
  }
  const keep = { external_id: userId };
  const anonymousId = nonBlank(event.anonymousId);
  const wasAnonymous = anonymousId === previousId;
  const alias = aliasFor(previousId, settings);
  if (anonymousId === void 0 || wasAnonymous) {
    if (alias && "user_alias" in alias) plan.merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep });
    else if (wasAnonymous) plan.warnings.push("previousId is an anonymousId, and anonymous users are not sent to Braze without the anonymousAliasLabel setting: nothing to merge.");
  }
  if (!wasAnonymous) plan.merges.push({ identifier_to_merge: { external_id: previousId }, identifier_to_keep: keep });
  return plan;
}
function mapDelete(event, settings) {
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event));
  const userId = nonBlank(event.userId);
  if (userId !== void 0) {
    plan.deletes.push({ external_id: userId });
    return plan;
  }
  const anonymousId = nonBlank(event.anonymousId);
  const alias = anonymousId === void 0 ? void 0 : aliasFor(anonymousId, settings);
  if (alias && "user_alias" in alias) {
    plan.deletes.push({ user_alias: alias.user_alias });
    return plan;
  }
  return problem("InvalidEventPayload", "A delete call needs a userId (or an anonymousId with the anonymousAliasLabel setting).");
}

// node_modules/zod/v4/core/util.js
function getEnumValues(entries) {
  const numericValues = Object.values(entries).filter((v) => typeof v === "number");
  const values = Object.entries(entries).filter(([k, _]) => numericValues.indexOf(+k) === -1).map(([_, v]) => v);
  return values;
}
function jsonStringifyReplacer(_, value) {
  if (typeof value === "bigint")
    return value.toString();
  return value;
}
function cleanRegex(source) {
  const start = source.startsWith("^") ? 1 : 0;
  const end = source.endsWith("$") ? source.length - 1 : source.length;
  return source.slice(start, end);
}
var captureStackTrace = "captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => {
};
var propertyKeyTypes = /* @__PURE__ */ new Set(["string", "number", "symbol"]);
function escapeRegex(str) {
  return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function clone(inst, def, params) {
  const cl = new inst._zod.constr(def ?? inst._zod.def);
  if (!def || params?.parent)
    cl._zod.parent = inst;
  return cl;
}
function normalizeParams(_params) {
  const params = _params;
  if (!params)
    return {};
  if (typeof params === "string")
    return { error: () => params };
  if (params?.message !== void 0) {
    if (params?.error !== void 0)
      throw new Error("Cannot specify both `message` and `error` params");
    params.error = params.message;
  }
  delete params.message;
  if (typeof params.error === "string")
    return { ...params, error: () => params.error };
  return params;
}
function aborted(x, startIndex = 0) {
  if (x.aborted === true)
    return true;
  for (let i = startIndex; i < x.issues.length; i++) {
    if (x.issues[i]?.continue !== true) {
      return true;
    }
  }
  return false;
}
function explicitlyAborted(x, startIndex = 0) {
  if (x.aborted === true)
    return true;
  for (let i = startIndex; i < x.issues.length; i++) {
    if (x.issues[i]?.continue === false) {
      return true;
    }
  }
  return false;
}
function prefixIssues(path2, issues) {
  return issues.map((iss) => {
    var _a2;
    (_a2 = iss).path ?? (_a2.path = []);
    iss.path.unshift(path2);
    return iss;
  });
}
function unwrapMessage(message) {
  return typeof message === "string" ? message : message?.message;
}
function sizeCaps(defChecks) {
  const caps = [];
  for (const ch of defChecks ?? []) {
    const d = ch._zod.def;
    if (!/_(length|size)$|_equals$/.test(d.check))
      break;
    const max = d.maximum ?? d.length ?? d.size;
    if (max >= 0)
      caps.push([max, ch]);
  }
  return caps;
}
function attachSchema(issues, start, inst) {
  var _a2;
  for (let i = start; i < issues.length; i++) {
    (_a2 = issues[i]).schema ?? (_a2.schema = inst);
  }
}
function finalizeIssue(iss, ctx, config2) {
  var _a2;
  const traits = iss.inst?._zod?.traits;
  if (traits?.has("$ZodType")) {
    if (traits.has("$ZodCheck"))
      (_a2 = iss).schema ?? (_a2.schema = iss.inst);
    else
      iss.schema = iss.inst;
  }
  const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : void 0;
  const message = iss.message ? iss.message : unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ?? unwrapMessage(schemaError?.(iss)) ?? unwrapMessage(ctx?.error?.(iss)) ?? unwrapMessage(config2.customError?.(iss)) ?? unwrapMessage(config2.localeError?.(iss)) ?? "Invalid input";
  const full = {};
  for (const k of Object.keys(iss)) {
    if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
      continue;
    full[k] = iss[k];
  }
  full.path ?? (full.path = []);
  full.message = message;
  if (ctx?.reportInput) {
    full.input = iss.input;
  }
  return full;
}
function members(proto, table) {
  for (const key in table) {
    const desc = Object.getOwnPropertyDescriptor(table, key);
    if (desc.get)
      Object.defineProperty(proto, key, { ...desc, enumerable: false });
    else
      defineBound(proto, key, desc.value);
  }
}
function own(inst, key, value, enumerable = true) {
  Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
  return value;
}
function hide(inst, key, value) {
  return own(inst, key, value, false);
}
function defineBound(proto, key, fn) {
  Object.defineProperty(proto, key, {
    configurable: true,
    get() {
      return this == null ? fn : own(this, key, fn.bind(this));
    },
    set(value) {
      own(this, key, value);
    }
  });
}
var installing;
var broke = false;
var breaker = {
  configurable: true,
  get() {
    broke = true;
    return void 0;
  }
};
function defineLazyInternal(inst, key, compute) {
  const proto = Object.getPrototypeOf(inst._zod);
  if (key in proto && installing !== inst._zod) {
    installing = void 0;
    return;
  }
  installing = inst._zod;
  Object.defineProperty(proto, key, {
    configurable: true,
    get() {
      Object.defineProperty(this, key, breaker);
      const outer = broke;
      broke = false;
      try {
        const value = compute(this);
        if (broke)
          delete this[key];
        else
          Object.defineProperty(this, key, { configurable: true, writable: true, value });
        broke = broke || outer;
        return value;
      } catch (err) {
        delete this[key];
        broke = broke || outer;
        throw err;
      }
    },
    set(value) {
      Object.defineProperty(this, key, { configurable: true, writable: true, value });
    }
  });
}

// node_modules/zod/v4/core/core.js
var _a;
var _zodDesc = { value: void 0, enumerable: false };
var _E = "captureStackTrace" in Error ? Error : null;
function newError(Definition) {
  const E = _E;
  if (E) {
    const saved = E.stackTraceLimit;
    if (typeof saved === "number") {
      try {
        E.stackTraceLimit = 0;
      } catch {
        _E = null;
        return new Definition();
      }
      try {
        return new Definition();
      } finally {
        E.stackTraceLimit = saved;
      }
    }
  }
  return new Definition();
}
// @__NO_SIDE_EFFECTS__
function $constructor(name, initializer2, proto, params) {
  const zodProto = {};
  function Internals(def) {
    this.def = def;
    this.constr = _;
    this.traits = /* @__PURE__ */ new Set();
  }
  Internals.prototype = zodProto;
  const protoMembers = proto;
  const initialized = protoMembers && /* @__PURE__ */ new WeakSet();
  function init(inst, def) {
    if (!inst._zod) {
      _zodDesc.value = new Internals(def);
      try {
        Object.defineProperty(inst, "_zod", _zodDesc);
      } finally {
        _zodDesc.value = void 0;
      }
    } else if (inst._zod.traits.has(name)) {
      return;
    }
    inst._zod.traits.add(name);
    initializer2(inst, def);
    if (initialized) {
      const own2 = Object.getPrototypeOf(inst);
      const ctorProto = inst._zod.constr.prototype;
      let up = own2;
      while (up && up !== ctorProto)
        up = Object.getPrototypeOf(up);
      const target = up ?? own2;
      if (!initialized.has(target)) {
        initialized.add(target);
        members(target, protoMembers);
      }
    }
    const proto2 = _.prototype;
    for (const k in proto2) {
      if (!Object.prototype.hasOwnProperty.call(proto2, k))
        continue;
      if (!(k in inst)) {
        inst[k] = proto2[k].bind(inst);
      }
    }
  }
  const Parent = params?.Parent ?? Object;
  class Definition extends Parent {
  }
  Object.defineProperty(Definition, "name", { value: name });
  function _(def) {
    const inst = params?.Parent ? newError(Definition) : this;
    init(inst, def);
    const deferred = inst._zod.deferred;
    if (deferred) {
      for (const fn of deferred) {
        fn();
      }
      inst._zod.deferred = void 0;
    }
    const pp = globalThis.__zod_globalConfig?.postProcessor;
    if (pp)
      pp(inst);
    return inst;
  }
  Object.defineProperty(_, "init", { value: init });
  Object.defineProperty(_, Symbol.hasInstance, {
    value: (inst) => {
      if (params?.Parent && inst instanceof params.Parent)
        return true;
      return inst?._zod?.traits?.has(name);
    }
  });
  Object.defineProperty(_, "name", { value: name });
  return _;
}
var $ZodAsyncError = class extends Error {
  constructor() {
    super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
  }
};
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
var globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
  if (newConfig)
    Object.assign(globalConfig, newConfig);
  return globalConfig;
}

// node_modules/zod/v4/core/errors.js
function _getMessage() {
  const internals = this._zod;
  internals.message ?? (internals.message = JSON.stringify(internals.def, jsonStringifyReplacer, 2));
  return internals.message;
}
function _setMessage(value) {
  this._zod.message = value;
}
var _messageDesc = {
  get: _getMessage,
  set: _setMessage,
  enumerable: true,
  configurable: true
};
var _issuesDesc = { value: void 0, enumerable: false };
var _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
var initializer = (inst, def) => {
  inst.name = "$ZodError";
  _issuesDesc.value = def;
  Object.defineProperty(inst, "issues", _issuesDesc);
  _issuesDesc.value = void 0;
  Object.defineProperty(inst, "message", _messageDesc);
  const proto = Object.getPrototypeOf(inst);
  if (!_installedToString.has(proto)) {
    _installedToString.add(proto);
    Object.defineProperty(proto, "toString", {
      configurable: true,
      enumerable: false,
      get() {
        const value = () => this.message;
        Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
        return value;
      },
      set(value) {
        Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
      }
    });
  }
};
var $ZodError = $constructor("$ZodError", initializer);
var $ZodRealError = $constructor("$ZodError", initializer, void 0, {
  Parent: Error
});

// node_modules/zod/v4/core/parse.js
var _parse = (_Err) => {
  const fn = (schema, value, _ctx, _params) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
      throw new $ZodAsyncError();
    }
    if (result.issues.length) {
      const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
      captureStackTrace(e, _params?.callee ?? fn);
      throw e;
    }
    return result.value;
  };
  return fn;
};
var parse = /* @__PURE__ */ _parse($ZodRealError);
var _parseAsync = (_Err) => {
  const fn = async (schema, value, _ctx, params) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
      result = await result;
    if (result.issues.length) {
      const e = new (params?.Err ?? _Err)(result.issues.map((iss) => finalizeIssue(iss, ctx, config())));
      captureStackTrace(e, params?.callee ?? fn);
      throw e;
    }
    return result.value;
  };
  return fn;
};
var parseAsync = /* @__PURE__ */ _parseAsync($ZodRealError);
var _safeParse = (_Err) => (schema, value, _ctx) => {
  const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
  const result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise) {
    throw new $ZodAsyncError();
  }
  return result.issues.length ? failure2(_Err, result.issues, ctx) : { success: true, data: result.value };
};
var safeParse = /* @__PURE__ */ _safeParse($ZodRealError);
function failure2(Err, issues, ctx) {
  let error;
  return {
    success: false,
    get error() {
      if (!error) {
        error = new Err(issues.map((iss) => finalizeIssue(iss, ctx, config())));
        issues = void 0;
        ctx = void 0;
      }
      return error;
    },
    set error(e) {
      error = e;
      issues = void 0;
      ctx = void 0;
    }
  };
}
var _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
  const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
  let result = schema._zod.run({ value, issues: [] }, ctx);
  if (result instanceof Promise)
    result = await result;
  return result.issues.length ? failure2(_Err, result.issues, ctx) : { success: true, data: result.value };
};
var safeParseAsync = /* @__PURE__ */ _safeParseAsync($ZodRealError);

// node_modules/zod/v4/core/regexes.js
var anyString = /^[\s\S]{0,}$/;
var boolean = /^(?:true|false)$/i;

// node_modules/zod/v4/core/versions.js
var version = {
  major: 4,
  minor: 6,
  patch: 7
};

// node_modules/zod/v4/core/schemas.js
var $ZodType = /* @__PURE__ */ $constructor("$ZodType", (inst, def) => {
  var _a2;
  inst ?? (inst = {});
  inst._zod.def = def;
  inst._zod.bag = inst._zod.bag || {};
  inst._zod.version = version;
  const defChecks = inst._zod.def.checks;
  const checks = inst._zod.traits.has("$ZodCheck") ? [inst, ...defChecks ?? []] : defChecks?.length ? [...defChecks] : [];
  for (const ch of checks) {
    for (const fn of ch._zod.onattach) {
      fn(inst);
    }
  }
  if (checks.length === 0) {
    (_a2 = inst._zod).deferred ?? (_a2.deferred = []);
    inst._zod.deferred?.push(() => {
      inst._zod.run = inst._zod.parse;
    });
  } else {
    const runChecks = (payload, checks2, ctx) => {
      if (payload.memo)
        return payload;
      let isAborted = aborted(payload);
      let asyncResult;
      for (const ch of checks2) {
        if (ch._zod.def.when) {
          if (explicitlyAborted(payload))
            continue;
          const shouldRun = ch._zod.def.when(payload);
          if (!shouldRun)
            continue;
        } else if (isAborted) {
          continue;
        }
        const currLen = payload.issues.length;
        const _ = ch._zod.check(payload);
        if (_ instanceof Promise && ctx?.async === false) {
          throw new $ZodAsyncError();
        }
        if (asyncResult || _ instanceof Promise) {
          asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
            await _;
            const nextLen = payload.issues.length;
            if (nextLen === currLen)
              return;
            attachSchema(payload.issues, currLen, inst);
            if (!isAborted)
              isAborted = aborted(payload, currLen);
          });
        } else {
          const nextLen = payload.issues.length;
          if (nextLen === currLen)
            continue;
          attachSchema(payload.issues, currLen, inst);
          if (!isAborted)
            isAborted = aborted(payload, currLen);
        }
      }
      if (asyncResult) {
        return asyncResult.then(() => {
          return payload;
        });
      }
      return payload;
    };
    const handleCanaryResult = (canary, payload, ctx) => {
      if (aborted(canary)) {
        canary.aborted = true;
        return canary;
      }
      const checkResult = runChecks(payload, checks, ctx);
      if (checkResult instanceof Promise) {
        if (ctx.async === false)
          throw new $ZodAsyncError();
        return checkResult.then((checkResult2) => inst._zod.parse(checkResult2, ctx));
      }
      return inst._zod.parse(checkResult, ctx);
    };
    inst._zod.run = (payload, ctx) => {
      if (ctx.skipChecks) {
        return inst._zod.parse(payload, ctx);
      }
      if (ctx.direction === "backward") {
        const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
        if (canary instanceof Promise) {
          return canary.then((canary2) => {
            return handleCanaryResult(canary2, payload, ctx);
          });
        }
        return handleCanaryResult(canary, payload, ctx);
      }
      const result = inst._zod.parse(payload, ctx);
      if (result instanceof Promise) {
        if (ctx.async === false)
          throw new $ZodAsyncError();
        return result.then((result2) => runChecks(result2, checks, ctx));
      }
      return runChecks(result, checks, ctx);
    };
  }
}, {
  // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
  get "~standard"() {
    return hide(this, "~standard", standardProps(this));
  },
  set "~standard"(value) {
    own(this, "~standard", value);
  }
});
var toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => finalizeIssue(iss, ctx, config())) } : { value: r.value };
async function validateAsync(inst, value) {
  const ctx = { async: true };
  return toStandardResult(await inst._zod.run({ value, issues: [] }, ctx), ctx);
}
function standardProps(inst) {
  return {
    validate: (value) => {
      const ctx = { async: false };
      try {
        const r = inst._zod.run({ value, issues: [] }, ctx);
        if (!(r instanceof Promise))
          return toStandardResult(r, ctx);
      } catch (_) {
      }
      return validateAsync(inst, value);
    },
    vendor: "zod",
    version: 1
  };
}
var $ZodString = /* @__PURE__ */ $constructor("$ZodString", (inst, def) => {
  $ZodType.init(inst, def);
  inst._zod.pattern = def.pattern ?? anyString;
  inst._zod.parse = (payload, _) => {
    if (def.coerce)
      try {
        payload.value = String(payload.value);
      } catch (_2) {
      }
    if (typeof payload.value === "string")
      return payload;
    payload.issues.push({
      expected: "string",
      code: "invalid_type",
      input: payload.value,
      inst
    });
    return payload;
  };
});
var $ZodBoolean = /* @__PURE__ */ $constructor("$ZodBoolean", (inst, def) => {
  $ZodType.init(inst, def);
  inst._zod.pattern = boolean;
  inst._zod.parse = (payload, _ctx) => {
    if (def.coerce)
      try {
        payload.value = Boolean(payload.value);
      } catch (_) {
      }
    const input = payload.value;
    if (typeof input === "boolean")
      return payload;
    payload.issues.push({
      expected: "boolean",
      code: "invalid_type",
      input,
      inst
    });
    return payload;
  };
});
function capSize(inst, size) {
  const caps = sizeCaps(inst._zod.def.checks);
  if (!caps.length)
    return;
  const cap = Math.min(...caps.map((c) => c[0]));
  const parse2 = inst._zod.parse;
  inst._zod.parse = (payload, ctx) => {
    const n = size(payload.value);
    if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
      for (const [max, ch] of sizeCaps(inst._zod.def.checks)) {
        if (n > max && ch._zod.def.when(payload)) {
          const start = payload.issues.length;
          ch._zod.check(payload);
          payload.issues[start].continue = false;
          attachSchema(payload.issues, start, inst);
          return payload;
        }
      }
    }
    return parse2(payload, ctx);
  };
}
var arraySize = (input) => Array.isArray(input) ? input.length : -1;
function handleArrayResult(result, final, index) {
  if (result.issues.length) {
    final.issues.push(...prefixIssues(index, result.issues));
  }
  final.value[index] = result.value;
}
var $ZodArray = /* @__PURE__ */ $constructor("$ZodArray", (inst, def) => {
  $ZodType.init(inst, def);
  const memo = globalConfig.memoizer;
  memo?.attach(inst);
  inst._zod.parse = (payload, ctx) => {
    const input = payload.value;
    if (!Array.isArray(input)) {
      payload.issues.push({
        expected: "array",
        code: "invalid_type",
        input,
        inst
      });
      return payload;
    }
    payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
    const proms = [];
    const abortEarly = ctx?.abortEarly;
    for (let i = 0; i < input.length; i++) {
      const item2 = input[i];
      const result = def.element._zod.run({
        value: item2,
        issues: []
      }, ctx);
      if (result instanceof Promise) {
        proms.push(result.then((result2) => handleArrayResult(result2, payload, i)));
      } else {
        handleArrayResult(result, payload, i);
        if (abortEarly && result.issues.length !== 0 && aborted(result))
          break;
      }
    }
    if (proms.length) {
      return Promise.all(proms).then(() => payload);
    }
    return payload;
  };
  capSize(inst, arraySize);
});
function handleUnionResults(results, final, inst, ctx) {
  for (const result of results) {
    if (result.issues.length === 0) {
      final.value = result.value;
      return final;
    }
  }
  const nonaborted = results.filter((r) => !aborted(r));
  if (nonaborted.length === 1) {
    final.value = nonaborted[0].value;
    return nonaborted[0];
  }
  final.issues.push({
    code: "invalid_union",
    input: final.value,
    inst,
    errors: results.map((result) => result.issues.map((iss) => finalizeIssue(iss, ctx, config())))
  });
  return final;
}
var $ZodUnion = /* @__PURE__ */ $constructor("$ZodUnion", (inst, def) => {
  $ZodType.init(inst, def);
  defineLazyInternal(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted") ? "defaulted" : zod.def.options.some((o) => o._zod.optin !== void 0) ? "optional" : void 0);
  defineLazyInternal(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : void 0);
  defineLazyInternal(inst, "values", (zod) => {
    if (zod.def.options.every((o) => o._zod.values)) {
      return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
    }
    return void 0;
  });
  defineLazyInternal(inst, "pattern", (zod) => {
    if (zod.def.options.every((o) => o._zod.pattern)) {
      const patterns = zod.def.options.map((o) => o._zod.pattern);
      return new RegExp(`^(${patterns.map((p) => cleanRegex(p.source)).join("|")})$`);
    }
    return void 0;
  });
  const first2 = def.options.length === 1 ? def.options[0]._zod.run : null;
  inst._zod.parse = (payload, ctx) => {
    if (first2) {
      return first2(payload, ctx);
    }
    let async = false;
    const results = [];
    for (const option of def.options) {
      const result = option._zod.run({
        value: payload.value,
        issues: []
      }, ctx);
      if (result instanceof Promise) {
        results.push(result);
        async = true;
      } else {
        if (result.issues.length === 0)
          return result;
        results.push(result);
      }
    }
    if (!async)
      return handleUnionResults(results, payload, inst, ctx);
    return Promise.all(results).then((results2) => {
      return handleUnionResults(results2, payload, inst, ctx);
    });
  };
});
var $ZodEnum = /* @__PURE__ */ $constructor("$ZodEnum", (inst, def) => {
  $ZodType.init(inst, def);
  const values = getEnumValues(def.entries);
  const valuesSet = new Set(values);
  inst._zod.values = valuesSet;
  defineLazyInternal(inst, "pattern", (zod) => {
    const patternValues = getEnumValues(zod.def.entries).filter((k) => propertyKeyTypes.has(typeof k));
    return new RegExp(patternValues.length ? `^(${patternValues.map((o) => escapeRegex(o.toString())).join("|")})$` : "^[^\\s\\S]$");
  });
  inst._zod.parse = (payload, _ctx) => {
    const input = payload.value;
    if (valuesSet.has(input)) {
      return payload;
    }
    payload.issues.push({
      code: "invalid_value",
      values,
      input,
      inst
    });
    return payload;
  };
});

// node_modules/zod/v4/core/api.js
function snapshotChecks(def) {
  if (def.checks)
    def.checks = [...def.checks];
  return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
  return new Class(snapshotChecks({ type: "string", ...normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
  return new Class({
    type: "boolean",
    ...normalizeParams(params)
  });
}

// node_modules/zod/v4/mini/schemas.js
var ZodMiniType = /* @__PURE__ */ $constructor("ZodMiniType", (inst, def) => {
  if (!inst._zod)
    throw new Error("Uninitialized schema in ZodMiniType.");
  $ZodType.init(inst, def);
  inst.def = def;
  inst.type = def.type;
}, {
  // `with` is an alias for `check`: the same function object, not a wrapper.
  get with() {
    return this.check;
  },
  set with(value) {
    own(this, "with", value);
  },
  parse(data, params) {
    return parse(this, data, params, { callee: this.parse });
  },
  parseAsync(data, params) {
    return parseAsync(this, data, params, { callee: this.parseAsync });
  },
  safeParse(data, params) {
    return safeParse(this, data, params);
  },
  safeParseAsync(data, params) {
    return safeParseAsync(this, data, params);
  },
  check(...checks) {
    const def = this.def;
    return this.clone({
      ...def,
      checks: [
        ...def.checks ?? [],
        ...checks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch)
      ]
    }, { parent: true });
  },
  clone(_def, params) {
    return clone(this, _def, params);
  },
  brand() {
    return this;
  },
  register(reg, meta2) {
    reg.add(this, meta2);
    return this;
  },
  apply(fn, ...args) {
    return args.length === 0 ? fn(this) : fn(this, ...args);
  }
});
var ZodMiniString = /* @__PURE__ */ $constructor("ZodMiniString", (inst, def) => {
  $ZodString.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function string2(params) {
  return _string(ZodMiniString, params);
}
var ZodMiniBoolean = /* @__PURE__ */ $constructor("ZodMiniBoolean", (inst, def) => {
  $ZodBoolean.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function boolean2(params) {
  return _boolean(ZodMiniBoolean, params);
}
var ZodMiniArray = /* @__PURE__ */ $constructor("ZodMiniArray", (inst, def) => {
  $ZodArray.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function array(element, params) {
  return new ZodMiniArray({
    type: "array",
    element,
    ...normalizeParams(params)
  });
}
var ZodMiniUnion = /* @__PURE__ */ $constructor("ZodMiniUnion", (inst, def) => {
  $ZodUnion.init(inst, def);
  ZodMiniType.init(inst, def);
});
// @__NO_SIDE_EFFECTS__
function union(options, params) {
  return new ZodMiniUnion({
    type: "union",
    options,
    ...normalizeParams(params)
  });
}
var ZodMiniEnum = /* @__PURE__ */ $constructor("ZodMiniEnum", (inst, def) => {
  $ZodEnum.init(inst, def);
  ZodMiniType.init(inst, def);
  inst.options = [...inst._zod.values];
});
// @__NO_SIDE_EFFECTS__
function _enum(values, params) {
  const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
  return new ZodMiniEnum({
    type: "enum",
    entries,
    ...normalizeParams(params)
  });
}

// src/destination/data-centers.ts
var us = (n) => {
  const nn = String(n).padStart(2, "0");
  return { instance: `US-${nn}`, restHost: `rest.iad-${nn}.braze.com`, dashboardHost: `dashboard-${nn}.braze.com` };
};
var eu = (n) => {
  const nn = String(n).padStart(2, "0");
  return { instance: `EU-${nn}`, restHost: `rest.fra-${nn}.braze.eu`, dashboardHost: `dashboard-${nn}.braze.eu` };
};
var named = (instance) => {
  const lower = instance.toLowerCase();
  return { instance, restHost: `rest.${lower}.braze.com`, dashboardHost: `dashboard.${lower}.braze.com` };
};
var DATA_CENTERS = [
  ...[1, 2, 3, 4, 5, 6, 7, 8].map(us),
  // US-10 breaks the iad-NN pattern (there is no US-09).
  named("US-10"),
  eu(1),
  eu(2),
  named("AU-01"),
  named("ID-01"),
  named("JP-01"),
  named("KR-01")
];
var DATA_CENTER_NAMES = DATA_CENTERS.map((dc) => dc.instance);
var byKey = /* @__PURE__ */ new Map();
for (const dc of DATA_CENTERS) {
  byKey.set(compact(dc.instance), dc);
  byKey.set(dc.restHost, dc);
  byKey.set(dc.dashboardHost, dc);
}
function compact(instance) {
  return instance.toUpperCase().replace(/[\s_-]+/g, "");
}
function resolveDataCenter(input) {
  const value = input.trim();
  if (value === "") return void 0;
  const instance = byKey.get(compact(value));
  if (instance && /^[a-z]{2}[\s_-]*\d{2}$/i.test(value)) return instance;
  const url = parseHttpsUrl(value);
  if (!url) return void 0;
  return byKey.get(url.hostname.toLowerCase());
}
function parseHttpsUrl(value) {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url;
  try {
    url = new URL(withScheme);
  } catch {
    return void 0;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port && url.port !== "443") return void 0;
  return url;
}
function describeValidDataCenters() {
  return `${DATA_CENTER_NAMES.join(", ")} (or the REST endpoint URL from Braze, e.g. https://${DATA_CENTERS[0].restHost})`;
}

// src/destination/settings.ts
var text2 = string2();
var flag = union([boolean2(), _enum(["true", "false"])]);
var list = union([array(string2()), string2()]);
function optionalText(value) {
  const parsed = text2.safeParse(value);
  if (!parsed.success) return { expected: "a text value" };
  const trimmed = parsed.data.trim();
  return { value: trimmed === "" ? void 0 : trimmed };
}
function booleanSetting(value) {
  const parsed = flag.safeParse(value);
  if (!parsed.success) return { expected: "true or false" };
  return { value: parsed.data === true || parsed.data === "true" };
}
var MAX_OBJECTS_LIMIT = 225;
var definitions = {
  apiKey: {
    name: "apiKey",
    label: "API Key",
    description: "Braze REST API key (Settings > APIs and Identifiers) with the users.track, users.identify, users.merge and users.delete permissions.",
    type: "STRING",
    required: true,
    sensitive: true,
    default: "",
    parse(value) {
      const parsed = text2.safeParse(value);
      if (!parsed.success) return { expected: "the REST API key as text" };
      const key = normalizeApiKey(parsed.data);
      if (key === "") return { expected: "a non-empty REST API key" };
      if (!/^[\x21-\x7e]+$/.test(key)) return { expected: "a REST API key of printable ASCII characters (it holds spaces, invisible or non-ASCII characters: copy it again)" };
      return { value: key };
    }
  },
  dataCenter: {
    name: "dataCenter",
    label: "Data Center",
    description: "Braze instance, e.g. US-03 or EU-01, or the REST endpoint URL shown in Braze (https://rest.iad-03.braze.com).",
    type: "STRING",
    required: true,
    sensitive: false,
    default: void 0,
    parse(value) {
      const parsed = text2.safeParse(value);
      const dataCenter = parsed.success ? resolveDataCenter(parsed.data) : void 0;
      return dataCenter ? { value: dataCenter } : { expected: `one of ${describeValidDataCenters()}` };
    }
  },
  appId: {
    name: "appId",
    label: "App ID",
    description: "Braze app identifier, added as app_id to custom events and purchases. Leave empty to omit it.",
    type: "STRING",
    required: false,
    sensitive: false,
    default: void 0,
    parse: optionalText
  },
  updateExistingOnly: {
    name: "updateExistingOnly",
    label: "Update Existing Users Only",
    description: "Send _update_existing_only: true on every attributes, event and purchase object, so no call creates a Braze user (also none for anonymous visitors).",
    type: "BOOLEAN",
    required: false,
    sensitive: false,
    defaultLabel: "false",
    default: false,
    parse: booleanSetting
  },
  anonymousAliasLabel: {
    name: "anonymousAliasLabel",
    label: "Anonymous Alias Label",
    description: "When set, users known only by anonymousId are sent to Braze as a user alias {alias_name: anonymousId, alias_label: this value}, and merged into the identified user once a userId arrives. Empty = anonymous events are rejected.",
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: "empty (off)",
    default: void 0,
    parse: optionalText
  },
  purchaseEvents: {
    name: "purchaseEvents",
    label: "Purchase Events",
    description: "Track events whose products become Braze purchases (one per product, case-insensitive).",
    type: "ARRAY",
    required: false,
    sensitive: false,
    defaultLabel: '["Order Completed"]',
    default: ["order completed"],
    parse(value) {
      const parsed = list.safeParse(value);
      if (!parsed.success) return { expected: "a list of event names" };
      const names = (typeof parsed.data === "string" ? parsed.data.split(",") : parsed.data).map((name) => name.trim().toLowerCase()).filter((name) => name !== "");
      return { value: names };
    }
  },
  audienceAttribute: {
    name: "audienceAttribute",
    label: "Audience Array Attribute",
    description: "When set, Engage audience entries and exits also add/remove the audience key in this Braze array attribute (e.g. segment_audiences).",
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: "empty (off)",
    default: void 0,
    parse(value) {
      const parsed = optionalText(value);
      if ("value" in parsed && parsed.value !== void 0) {
        if (/^\$|[.\s]/.test(parsed.value)) return { expected: 'an attribute name without spaces, "." or a leading "$"' };
        if (BRAZE_RESERVED_ATTRIBUTES.has(parsed.value)) return { expected: "a custom attribute name, not a Braze standard attribute or identifier" };
      }
      return parsed;
    }
  },
  sendPageEvents: {
    name: "sendPageEvents",
    label: "Send Page Events",
    description: 'Send page calls as custom events "Viewed <category> <name> Page".',
    type: "BOOLEAN",
    required: false,
    sensitive: false,
    defaultLabel: "false",
    default: false,
    parse: booleanSetting
  },
  sendScreenEvents: {
    name: "sendScreenEvents",
    label: "Send Screen Events",
    description: 'Send screen calls as custom events "Viewed <name> Screen".',
    type: "BOOLEAN",
    required: false,
    sensitive: false,
    defaultLabel: "false",
    default: false,
    parse: booleanSetting
  },
  skipUnchangedAttributes: {
    name: "skipUnchangedAttributes",
    label: "Skip Unchanged Attributes",
    description: "Do not send an attribute value this warm instance already delivered unchanged for the same user (Segment cache, best effort): fewer Braze data points when clients identify with all traits on every page. Unsets and array edits are always sent.",
    type: "BOOLEAN",
    required: false,
    sensitive: false,
    defaultLabel: "false",
    default: false,
    parse: booleanSetting
  },
  maxObjectsPerRequest: {
    name: "maxObjectsPerRequest",
    label: "Max Objects Per Request",
    description: `Combined attribute + event + purchase objects per /users/track request, 1-${MAX_OBJECTS_LIMIT}. Set 50 on Braze "MAU CY 24-25" contracts.`,
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: "75",
    default: 75,
    parse(value) {
      const expected = { expected: `a whole number from 1 to ${MAX_OBJECTS_LIMIT}` };
      const raw = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : void 0;
      if (raw === void 0 || !/^\d+$/.test(raw)) return expected;
      const n = Number(raw);
      return n >= 1 && n <= MAX_OBJECTS_LIMIT ? { value: n } : expected;
    }
  }
};
var SETTING_DEFINITIONS = Object.values(definitions);
function normalizeApiKey(raw) {
  return raw.trim().replace(/^["']|["']$/g, "");
}
var isBlank = (value) => value === void 0 || value === null || typeof value === "string" && value.trim() === "" || Array.isArray(value) && value.length === 0;
function parseSettings(raw) {
  const input = raw !== null && typeof raw === "object" ? raw : {};
  const out = {};
  for (const definition of SETTING_DEFINITIONS) {
    const value = input[definition.name];
    if (isBlank(value)) {
      if (definition.required) {
        return { problem: problem("ValidationError", `Setting "${definition.name}" (${definition.label}) is required: ${definition.description}`) };
      }
      out[definition.name] = definition.default;
      continue;
    }
    const parsed = definition.parse(value);
    if ("expected" in parsed) {
      return { problem: problem("ValidationError", `Setting "${definition.name}" (${definition.label}) is invalid: expected ${parsed.expected}.`) };
    }
    out[definition.name] = parsed.value;
  }
  return { settings: out };
}

// src/destination/summary.ts
var MAX_WARNINGS = 20;
function limitWarnings(warnings) {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more warnings`];
}
function summarize(report, warnings, messageId) {
  const sent = { attributes: 0, events: 0, purchases: 0 };
  for (const call of report.calls) {
    if (call.path !== "/users/track") continue;
    for (const name of ["attributes", "events", "purchases"]) {
      const items = call.body[name];
      if (Array.isArray(items)) sent[name] += items.length;
    }
  }
  const primary = report.calls[0];
  const summary = {
    braze: primary ? { endpoint: primary.path, status: primary.outcome.status, response: primary.outcome.response } : null,
    requests: report.calls.map((call) => ({ endpoint: call.path, status: call.outcome.status })),
    sent,
    warnings: limitWarnings(warnings)
  };
  if (report.alreadyDelivered[0]) {
    summary.note = `Braze already accepted this event (messageId ${JSON.stringify(messageId)}) in an earlier attempt: nothing was sent again.`;
  } else if (report.unchangedAttributes > 0) {
    summary.note = `${report.unchangedAttributes} attribute value${report.unchangedAttributes === 1 ? " was" : "s were"} not sent: this instance already delivered ${report.unchangedAttributes === 1 ? "it" : "them"} unchanged (skipUnchangedAttributes).`;
  }
  return summary;
}

// src/destination/handlers.ts
function settingsOrThrow(raw) {
  const parsed = parseSettings(raw);
  if ("problem" in parsed) throw segmentError(parsed.problem.kind, parsed.problem.message);
  return parsed.settings;
}
function send(plans, settings, startedAt) {
  const connection = { dataCenter: settings.dataCenter, apiKey: settings.apiKey, deadline: startedAt + INVOCATION_BUDGET_MS };
  return deliver(plans, { connection, maxObjectsPerRequest: settings.maxObjectsPerRequest, skipUnchangedAttributes: settings.skipUnchangedAttributes });
}
var crashMessage = (error, detail = "") => `The Braze destination function failed on this event (${describeThrown(error).name}${detail ? `: ${detail}` : ""}).`;
async function guarded(settings, run) {
  try {
    return await run();
  } catch (error) {
    const apiKey = isDict(settings) && typeof settings.apiKey === "string" ? normalizeApiKey(settings.apiKey) : "";
    if (isSegmentError(error)) {
      if (apiKey && error.message.includes(apiKey)) error.message = redact(error.message, apiKey);
      throw error;
    }
    const detail = redact(describeThrown(error).message, apiKey).slice(0, 200);
    throw segmentError("InvalidEventPayload", crashMessage(error, detail));
  }
}
function handleEvent(type, event, rawSettings) {
  return guarded(rawSettings, async () => {
    const startedAt = Date.now();
    const settings = settingsOrThrow(rawSettings);
    const plan = mapEvent(event, settings, Date.now, type);
    if (isProblem(plan)) throw segmentError(plan.kind, plan.message);
    const report = await send([plan], settings, startedAt);
    const failure3 = worstFailure(report.failures[0]);
    if (failure3) throw segmentError(failure3.kind === "retry" ? "RetryError" : "ValidationError", failure3.message);
    return summarize(report, plan.warnings, plan.messageId);
  });
}
var STATUS_FOR = {
  ValidationError: 400,
  InvalidEventPayload: 400,
  EventNotSupported: 400,
  RetryError: 500
};
function handleBatch(events, rawSettings) {
  return guarded(rawSettings, async () => {
    const startedAt = Date.now();
    const settings = settingsOrThrow(rawSettings);
    if (!Array.isArray(events)) throw segmentError("InvalidEventPayload", "onBatch expects an array of events.");
    const plans = events.map((event) => mapSafely(event, settings));
    const report = await send(plans.map((plan) => isProblem(plan) ? void 0 : plan), settings, startedAt);
    return plans.map((plan, index) => {
      if (isProblem(plan)) return { status: STATUS_FOR[plan.kind], errormessage: plan.message };
      const failure3 = worstFailure(report.failures[index]);
      if (!failure3) return { status: 200 };
      return { status: failure3.kind === "retry" ? 500 : 400, errormessage: failure3.message };
    });
  });
}
function mapSafely(event, settings) {
  try {
    return mapEvent(event, settings);
  } catch (error) {
    return { kind: "InvalidEventPayload", message: crashMessage(error) };
  }
}

// functions/braze-destination.ts
async function onIdentify(event, settings) {
  return handleEvent("identify", event, settings);
}
async function onTrack(event, settings) {
  return handleEvent("track", event, settings);
}
async function onPage(event, settings) {
  return handleEvent("page", event, settings);
}
async function onScreen(event, settings) {
  return handleEvent("screen", event, settings);
}
async function onGroup(event, settings) {
  return handleEvent("group", event, settings);
}
async function onAlias(event, settings) {
  return handleEvent("alias", event, settings);
}
async function onDelete(event, settings) {
  return handleEvent("delete", event, settings);
}
async function onBatch(events, settings) {
  return handleBatch(events, settings);
}
