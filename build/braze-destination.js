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
 *   ecommerceMode         STRING  optional
 *   skipContextLocale     BOOLEAN optional
 *   skipUnchangedAttributes BOOLEAN optional
 *   maxObjectsPerRequest  STRING  optional
 */
const { Object, Array, Number, String, Map, Set, Date, JSON, Math, Promise, Intl, Error, isFinite, isNaN, encodeURIComponent } = globalThis;
// src/destination/braze-limits.ts
var TRACK_ARRAYS = ["attributes", "events", "purchases"];
var MAX_OBJECTS_PER_TYPE = 75;
var MAX_OBJECTS_PER_REQUEST = MAX_OBJECTS_PER_TYPE * TRACK_ARRAYS.length;
var MAX_COMBINED_OBJECTS_MAU = 50;
var MAX_USERS_ENTRIES_PER_REQUEST = 50;
var MAX_STRING_LENGTH = 255;
var MAX_KEY_LENGTH = 255;
var MAX_EXTERNAL_ID_BYTES = 987;
var MAX_IMAGE_URL_LENGTH = 1024;
var MAX_EVENT_PROPERTIES_BYTES = 100 * 1024;
var MAX_CAPTURED_PROPERTIES = 256;
var MAX_PURCHASE_PROPERTIES_BYTES = 50 * 1024;
var MAX_NESTED_ATTRIBUTE_BYTES = 100 * 1024;
var MAX_PURCHASE_QUANTITY = 100;
var RESERVED_PROPERTY_KEYS = ["time", "event_name"];
var RESERVED_PURCHASE_PROPERTY_KEYS = ["time", "product_id", "quantity", "event_name", "price", "currency"];
var MAX_REQUEST_BYTES = 1024 * 1024;
var MAX_REQUESTS_PER_EVENT = 4;
var MAX_INPUT_LENGTH_MESSAGE = "Max Input Length Exceeded";
var MAX_NESTED_YEAR = 3e3;

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
  const array = entry?.input_array;
  const index = entry?.index;
  if (!TRACK_ARRAYS.includes(array) || typeof index !== "number" || !Number.isInteger(index) || index < 0)
    return void 0;
  return { array, index };
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
    const text2 = await response.text();
    if (text2.length > MAX_ANSWER_BYTES) return { response, unreadable: `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` };
    return { response, text: text2 };
  } catch (error) {
    discard(response.body);
    const type = error?.type;
    if (type === "max-size") return { response, unreadable: `over the ${MAX_ANSWER_BYTES / 1024} KB this function reads` };
    return { response, unreadable: "the connection broke while it was read", broke: true };
  }
}
async function callBraze(path2, body, connection) {
  const remaining = connection.deadline - Date.now();
  if (remaining <= 0)
    return failure("retry", void 0, void 0, "The invocation ran out of time before this Braze request could be sent.");
  const fetchImpl = typeof fetch === "undefined" ? void 0 : fetch;
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
  let result;
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
    result = await Promise.race([exchange, timeout]);
  } catch (error) {
    return failure(
      "retry",
      void 0,
      void 0,
      `Braze could not be reached at ${connection.dataCenter.restHost} (${networkReason(error, connection.apiKey)}).`
    );
  } finally {
    clearTimeout(timer);
  }
  if (result === "timeout") {
    return failure(
      "retry",
      void 0,
      void 0,
      `Braze did not answer ${path2} within ${Math.round(remaining / 100) / 10} s (Segment's 5 s limit per invocation).`
    );
  }
  return classify(path2, result, connection);
}
function failure(kind, status, response, message) {
  return { kind, status, response, message };
}
function networkReason(error, apiKey) {
  const code = error?.code;
  const name = error?.name;
  const raw = typeof code === "string" ? code : typeof name === "string" ? name : "network error";
  return excerpt(redact(raw, apiKey), 80);
}
function redact(text2, apiKey) {
  return apiKey.length >= 4 ? text2.split(apiKey).join("[redacted]") : text2;
}
function fromBraze(text2, apiKey) {
  return apiKey.length >= 4 || !text2.includes(apiKey) ? redact(text2, apiKey) : SHORT_KEY_OMITTED;
}
var SHORT_KEY_OMITTED = "(Braze's text left out: it holds the characters of the API key)";
function parseJson(text2) {
  try {
    return JSON.parse(text2);
  } catch {
    return void 0;
  }
}
function shownAnswer(text2, json, apiKey) {
  if (apiKey.length < 4 && text2.includes(apiKey)) return SHORT_KEY_OMITTED;
  if (json !== void 0 && text2.length <= SHOWN_ANSWER_CHARS) return redactDeep(json, apiKey);
  const clean = redact(text2, apiKey);
  return clean.length <= 300 ? clean : `${excerpt(clean, 300)}… (${text2.length} characters)`;
}
function excerpt(text2, length) {
  return text2.length <= length ? text2 : Array.from(text2.slice(0, length)).join("");
}
function classify(path2, exchange, connection) {
  const status = exchange.response.status;
  const text2 = "text" in exchange ? exchange.text : void 0;
  const json = text2 === void 0 ? void 0 : parseJson(text2);
  const answer = brazeAnswer(json);
  const brazeMessage = answer?.message ? excerpt(fromBraze(answer.message, connection.apiKey), 300) : void 0;
  const response = text2 === void 0 ? void 0 : shownAnswer(text2, json, connection.apiKey);
  const said = brazeMessage ? `: ${brazeMessage}` : "";
  if (status >= 200 && status < 300) {
    if (text2 === void 0) {
      return failure(
        "retry",
        status,
        response,
        `Braze's answer to ${path2} (HTTP ${status}) was unreadable (${exchange.unreadable}); the outcome is unknown.`
      );
    }
    if (!answer)
      return failure(
        "retry",
        status,
        response,
        `Braze's answer to ${path2} (HTTP ${status}) was unreadable (not Braze's JSON); the outcome is unknown.`
      );
    const deleted = path2 === "/users/delete" && answer.message === void 0 && typeof json.deleted === "number";
    if (answer.message !== "success" && !deleted) {
      return failure(
        "retry",
        status,
        response,
        `Braze answered ${path2} with HTTP ${status} but message ${JSON.stringify(brazeMessage ?? null)} instead of "success".`
      );
    }
    return { kind: "accepted", status, response, ...objectErrors(answer.errors, connection.apiKey) };
  }
  if (status === 400 && path2 === "/users/track" && answer && answer.errors.length > 0 && answer.errors.every(objectError)) {
    return {
      kind: "accepted",
      status,
      response,
      ...objectErrors(answer.errors, connection.apiKey),
      tookNone: `Braze rejected ${path2} (HTTP 400)${said.replace(/\.$/, "")}`
    };
  }
  if ("broke" in exchange)
    return failure(
      "retry",
      status,
      response,
      `Braze's answer to ${path2} (HTTP ${status}) broke off while it was read (${exchange.unreadable}).`
    );
  if (status === 429) {
    const wait = rateLimitWait(exchange.response.headers);
    const when = !wait ? "" : "seconds" in wait ? ` for ${Math.ceil(wait.seconds)} s` : ` until ${new Date(wait.until * 1e3).toISOString()}`;
    return failure("retry", status, response, `Braze rate limit reached (HTTP 429)${when}${said}.`);
  }
  if (status >= 500 || status === 408)
    return failure("retry", status, response, `Braze had a problem with ${path2} (HTTP ${status})${said}.`);
  if (status >= 300 && status < 400)
    return failure(
      "retry",
      status,
      response,
      `Braze answered ${path2} with a redirect (HTTP ${status}), which this function does not follow: the user data and key go only to ${connection.dataCenter.restHost}.`
    );
  return {
    ...failure("reject", status, response, `Braze rejected ${path2} (HTTP ${status})${said}.${hintFor(status, connection)}`),
    brazeMessage: answer?.message === void 0 ? void 0 : fromBraze(answer.message, connection.apiKey)
  };
}
function rateLimitWait(headers) {
  const number = (name) => {
    const value = headers.get(name);
    return value === null || value.trim() === "" ? NaN : Number(value);
  };
  const retryAfter = number("x-ratelimit-retry-after");
  if (Number.isFinite(retryAfter) && retryAfter >= 0 && retryAfter < 1e9) return { seconds: retryAfter };
  const reset = number("x-ratelimit-reset");
  if (!(Number.isFinite(reset) && reset > 0 && reset < 1e11)) return void 0;
  return reset < 1e9 ? { seconds: reset } : { until: reset };
}
function objectErrors(errors, apiKey) {
  const rejected = [];
  const unattributed = [];
  const read = errors.slice(0, MAX_ERRORS_READ);
  for (const entry of read) {
    const target = objectError(entry);
    const type = entry?.type;
    const said = type === void 0 || type === null ? "rejected by Braze" : typeof type === "string" ? type : JSON.stringify(type);
    const message = excerpt(fromBraze(said, apiKey), 300);
    if (target) rejected.push({ ...target, message });
    else unattributed.push(message);
  }
  if (errors.length > read.length) unattributed.push(`${errors.length - read.length} more errors, not read`);
  return { rejected, unattributed };
}
function hintFor(status, connection) {
  if (status === 401) {
    return ` Check the apiKey setting (no quotes or spaces) and that dataCenter ${connection.dataCenter.instance} (${connection.dataCenter.restHost}) is the instance the key belongs to.`;
  }
  if (status === 403)
    return " The API key lacks the permission for this endpoint (users.track, users.merge, users.delete), or the plan does not allow it.";
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

// src/destination/braze-types.ts
function identifierObject(identifier) {
  return Object.assign({}, identifier);
}
var IDENTIFIER_KEYS = ["external_id", "braze_id", "user_alias", "email", "phone"];
function identifierKey(object) {
  const record = object;
  return IDENTIFIER_KEYS.find((key) => record[key] !== void 0);
}
function identityKey(object) {
  const id = identifierKey(object);
  return keyOf(id, object[id]);
}
function keyOf(id, value) {
  return `${id}:${typeof value === "string" ? value : JSON.stringify(value)}`;
}
var ATTRIBUTE_CONTROL_KEYS = ["_update_existing_only", "_merge_objects"];
var BRAZE_RESERVED_ATTRIBUTES = /* @__PURE__ */ new Set([
  "external_id",
  "braze_id",
  "user_alias",
  ...ATTRIBUTE_CONTROL_KEYS,
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
  "push_token_import",
  "facebook",
  "twitter",
  "date_of_first_session",
  "date_of_last_session",
  "marked_email_as_spam_at",
  "email_open_tracking_disabled",
  "email_click_tracking_disabled",
  // "INVALID_ATTRIBUTE_EMAIL_SUBSCRIPTION_INFO: email_subscription_info is not a valid attribute"
  // (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/): Braze refuses the whole object over it.
  "email_subscription_info"
]);

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
function isAbsent(value) {
  return value === void 0 || value === null || typeof value === "string" && value.trim() === "";
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
var MAX_DEPTH = 32;
var DANGEROUS_KEYS = /* @__PURE__ */ new Set(["__proto__", "constructor", "prototype"]);
var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
var MAX_NUMBER_TEXT = 100;
function toNumber(value) {
  if (typeof value === "number") return Number.isFinite(value) ? value : void 0;
  if (typeof value === "string" && value.length <= MAX_NUMBER_TEXT && /^\s*-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(value)) {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : void 0;
  }
  return void 0;
}
function productQuantity(value) {
  if (value === void 0 || value === null) return 1;
  const quantity = toNumber(value);
  return quantity !== void 0 && Number.isInteger(quantity) && quantity >= 1 ? quantity : void 0;
}
function isIsoDate(value) {
  return ISO_DATE.test(value) && isoDateMs(value) !== void 0;
}
var ISO_8601_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
function isoDateMs(text2) {
  const match = ISO_8601_TIME.exec(text2) ?? ISO_8601_TIME.exec(text2.trim());
  if (!match) return void 0;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const hour = match[4] === void 0 ? 0 : Number(match[4]);
  const minute = match[5] === void 0 ? 0 : Number(match[5]);
  const second = match[6] === void 0 ? 0 : Number(match[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return void 0;
  const zone = match[8];
  let offset = 0;
  if (zone !== void 0 && zone !== "Z" && zone !== "z") {
    const digits = zone.length === 6 ? zone.slice(1, 3) + zone.slice(4) : zone.slice(1);
    const [hours, minutes] = [Number(digits.slice(0, 2)), digits.length > 2 ? Number(digits.slice(2)) : 0];
    if (hours > 14 || minutes > 59) return void 0;
    offset = (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
  }
  const fraction = match[7] === void 0 ? 0 : Math.floor(Number(`0.${match[7]}`) * 1e3);
  const shift = year < 100 ? 400 : 0;
  const ms = Date.UTC(year + shift, month - 1, day, hour, minute - offset, second, fraction);
  return shift === 0 ? ms : ms - Date.UTC(2e3, 0, 1) + Date.UTC(1600, 0, 1);
}
function daysIn(year, month) {
  if (month !== 2) return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}
function isNestedTime(value) {
  return isIsoDate(value) && new Date(value).getUTCFullYear() <= MAX_NESTED_YEAR;
}
function badKey(key, nested, property = false) {
  if (key === "") return "an empty key";
  if (key === "__proto__" || !property && DANGEROUS_KEYS.has(key)) return "a reserved JavaScript key";
  if (key.startsWith("$")) return 'a key starting with "$"';
  if (key.length > MAX_KEY_LENGTH) return `a key over ${MAX_KEY_LENGTH} characters`;
  if (nested && /[.$\s]/.test(key)) return 'a nested key containing ".", "$" or a space';
  return void 0;
}
function cutString(value, context) {
  if (value.length <= MAX_STRING_LENGTH) return value;
  context.warnings.push(`${context.label} was cut to ${MAX_STRING_LENGTH} characters (Braze's limit for strings).`);
  const end = /[\uD800-\uDBFF]/.test(value.charAt(MAX_STRING_LENGTH - 1)) ? MAX_STRING_LENGTH - 1 : MAX_STRING_LENGTH;
  return value.slice(0, end);
}
function toBrazeValue(value, context, inObject = false, depth = 0) {
  if (value === null) {
    if (!inObject || context.mode !== "attribute") return null;
    context.warnings.push(
      `${context.label} was dropped: Braze takes no null inside a nested attribute (it would drop every nested update of the request).`
    );
    return void 0;
  }
  switch (typeof value) {
    case "string": {
      if (inObject && context.mode === "attribute" && isNestedTime(value)) return { $time: value };
      if (inObject && context.mode === "property" && isIsoDate(value) && !isNestedTime(value))
        context.warnings.push(
          `${context.label} is a date after the year ${MAX_NESTED_YEAR}, which Braze does not store in a nested event property.`
        );
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
      context.warnings.push(`${context.label} was dropped: ${value === void 0 ? "undefined" : `a ${typeof value}`} is not a JSON value.`);
      return void 0;
  }
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) return void 0;
    const iso = value.toISOString();
    return inObject && context.mode === "attribute" && isNestedTime(iso) ? { $time: iso } : iso;
  }
  if (isTimeObject(value)) {
    const time = value.$time;
    if (typeof time === "string" && (inObject && context.mode === "attribute" ? isNestedTime(time) : isIsoDate(time)))
      return inObject && context.mode === "attribute" ? { $time: time } : time;
    const years = inObject && context.mode === "attribute" ? ` of a year up to ${MAX_NESTED_YEAR}` : "";
    context.warnings.push(`${context.label} was dropped: {"$time"} takes an ISO 8601 date${years}.`);
    return void 0;
  }
  if (depth >= MAX_DEPTH) {
    context.warnings.push(`${context.label} was dropped: nested deeper than ${MAX_DEPTH} levels.`);
    return void 0;
  }
  if (Array.isArray(value)) {
    const nested = inObject || context.mode === "attribute" && value.some(isDict);
    const out = [];
    value.forEach((item2, index) => {
      if (!inObject && context.mode === "attribute" && Array.isArray(item2)) {
        context.warnings.push(
          `${context.label}[${index}] was dropped: Braze's array attributes are one-dimensional (no array inside an array).`
        );
        return;
      }
      const asItem = typeof item2 === "string" || isDate(item2) || isDict(item2) && isTimeObject(item2) ? false : nested;
      const converted = toBrazeValue(item2, item2 === null ? { ...context, label: `${context.label}[${index}]` } : context, asItem, depth + 1);
      if (converted !== void 0) out.push(converted);
    });
    return out;
  }
  if (isDict(value)) return toBrazeObject(value, context, depth + 1);
  return void 0;
}
function isTimeObject(value) {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "$time" && !Array.isArray(value);
}
function toBrazeObject(source, context, depth) {
  const out = {};
  for (const key of Object.keys(source)) {
    const label = `${context.label}.${key}`;
    const reason = badKey(key, context.mode === "attribute", context.mode === "property");
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
  return /[\u0080-\uffff]/.test(json) ? utf8Length(json) : json.length;
}
function utf8Length(text2) {
  let bytes = 0;
  for (let i = 0; i < text2.length; i++) {
    const code = text2.charCodeAt(i);
    if (code < 128) bytes += 1;
    else if (code < 2048) bytes += 2;
    else if (code >= 55296 && code < 56320 && (text2.charCodeAt(i + 1) & 64512) === 56320) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

// src/destination/nested-operators.ts
var OPERATORS = /* @__PURE__ */ new Set(["$add", "$remove", "$update"]);
function isOperatorValue(value) {
  if (!isDict(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => OPERATORS.has(key));
}
function operatorUpdate(value, context, mergeObjects) {
  const out = {};
  for (const operator of Object.keys(value)) {
    const items = value[operator];
    if (!Array.isArray(items) || items.length === 0) return `${operator} takes a non-empty array`;
    if (operator === "$update" && !mergeObjects)
      context.warnings.push(
        `${context.label}: $update replaces each matched object with $new_object; send the trait "_merge_objects": true to merge them instead.`
      );
    const converted = [];
    for (const item2 of items) {
      const one = operator === "$add" ? addedObject(item2, context) : identifiedItem(operator, item2, context);
      if (typeof one === "string") return `${operator}: ${one}`;
      converted.push(one);
    }
    out[operator] = converted;
  }
  return fitsIn(out, MAX_NESTED_ATTRIBUTE_BYTES) ? out : `over Braze's ${MAX_NESTED_ATTRIBUTE_BYTES / 1024} KB limit for an array of objects`;
}
function addedObject(item2, context) {
  if (!isDict(item2)) return "every item must be an object";
  const object = toBrazeObject(item2, context, 1);
  return Object.keys(object).length > 0 ? object : "an item has no valid key";
}
function identifiedItem(operator, item2, context) {
  const keys = operator === "$update" ? ["$identifier_key", "$identifier_value", "$new_object"] : ["$identifier_key", "$identifier_value"];
  if (!isDict(item2) || Object.keys(item2).length !== keys.length || !keys.every((key2) => key2 in item2)) {
    return `every item must have exactly ${keys.join(", ")}`;
  }
  const key = item2.$identifier_key;
  if (typeof key !== "string" || badKey(key, true)) return "$identifier_key must be a valid nested key";
  const identifier = item2.$identifier_value;
  const scalar = typeof identifier === "string" && identifier.length <= MAX_STRING_LENGTH || typeof identifier === "boolean" || typeof identifier === "number" && Number.isFinite(identifier);
  if (!scalar) return "$identifier_value must be a string, number or boolean";
  const out = { $identifier_key: key, $identifier_value: identifier };
  if (operator === "$update") {
    if (!isDict(item2.$new_object)) return "$new_object must be an object";
    out.$new_object = toBrazeObject(item2.$new_object, context, 1);
  }
  return out;
}

// src/destination/merge-attributes.ts
var hasOwn2 = Object.prototype.hasOwnProperty;
function mergeKey(object, index) {
  const alone = object._merge_objects === true || Object.values(object).some((value) => isOperatorValue(value) || isIncrement(value));
  const creator = "user_alias" in object && valueKeys(object).length === 0 ? "|creator" : "";
  return `${identityKey(object)}|${String(object._update_existing_only ?? "")}|${String(object._merge_objects ?? "")}${creator}${alone ? `|#${index}` : ""}`;
}
function isIncrement(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 1 && "inc" in value;
}
function isArrayEdit(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => (key === "add" || key === "remove") && Array.isArray(value[key]));
}
var keyOf2 = (value) => JSON.stringify(value) ?? String(value);
var keyed = (values) => {
  const map = /* @__PURE__ */ new Map();
  for (const value of values) if (!map.has(keyOf2(value))) map.set(keyOf2(value), value);
  return map;
};
function folded(earlier, later) {
  if (!isArrayEdit(later) || earlier === void 0) return later;
  const fold = earlier instanceof ArrayEditFold ? earlier : new ArrayEditFold(earlier);
  fold.apply(later);
  return fold;
}
function settled(value) {
  return value instanceof ArrayEditFold ? value.value() : value;
}
var ArrayEditFold = class {
  /** A set array (any earlier value that is not an edit resets the array: combineValues). */
  list;
  add = /* @__PURE__ */ new Map();
  remove = /* @__PURE__ */ new Map();
  last;
  constructor(earlier) {
    if (isArrayEdit(earlier)) {
      for (const value of earlier.add ?? []) this.added(this.add, value);
      this.remove = keyed(earlier.remove ?? []);
      this.last = earlier;
    } else {
      this.list = keyed(Array.isArray(earlier) ? earlier : []);
      this.last = {};
    }
  }
  added(map, value) {
    map.delete(keyOf2(value));
    map.set(keyOf2(value), value);
  }
  apply(later) {
    this.last = later;
    if (this.list) {
      for (const value of later.add ?? []) this.added(this.list, value);
      for (const value of later.remove ?? []) this.list.delete(keyOf2(value));
      return;
    }
    for (const value of later.add ?? []) {
      this.remove.delete(keyOf2(value));
      this.added(this.add, value);
    }
    for (const value of later.remove ?? []) {
      const key = keyOf2(value);
      this.add.delete(key);
      if (!this.remove.has(key)) this.remove.set(key, value);
    }
  }
  value() {
    if (this.list) return [...this.list.values()];
    if (this.add.size === 0 && this.remove.size === 0) return this.last;
    const edit = {};
    if (this.add.size > 0) edit.add = [...this.add.values()];
    if (this.remove.size > 0) edit.remove = [...this.remove.values()];
    return edit;
  }
};
function timeRanks(epochs) {
  const ranks = [];
  inTimeOrder(epochs.map((epoch, owner) => ({ epoch, owner }))).forEach(({ owner }, rank) => ranks[owner] = rank);
  return ranks;
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
  const out = [];
  const byUser = /* @__PURE__ */ new Map();
  let runUser;
  let runStart = 0;
  for (const [index, { object, owner }] of inTimeOrder(updates).entries()) {
    const key = mergeKey(object, index);
    const user = identityKey(object);
    let folds = byUser.get(user);
    if (!folds) byUser.set(user, folds = { entries: [], byKey: /* @__PURE__ */ new Map(), touched: /* @__PURE__ */ new Map(), lastCreating: -1, lastUpdating: -1 });
    const other = user === runUser ? runStart - 1 : out.length - 1;
    const attributes = valueKeys(object);
    const position = foldTarget(folds, key, object, attributes, other);
    if (position === void 0) {
      const entry = { object: { ...object }, owners: [owner] };
      if (user !== runUser) [runUser, runStart] = [user, out.length];
      const at = folds.entries.push({ key, entry, at: out.length }) - 1;
      out.push(entry);
      folds.byKey.set(key, at);
      for (const attribute of attributes) folds.touched.set(attribute, at);
      if (object._update_existing_only !== true) folds.lastCreating = at;
      else folds.lastUpdating = at;
      continue;
    }
    const into = folds.entries[position].entry;
    const target = into.object;
    for (const attribute of Object.keys(object)) {
      const earlier = hasOwn2.call(target, attribute) ? target[attribute] : void 0;
      target[attribute] = folded(earlier, object[attribute]);
    }
    for (const attribute of attributes) folds.touched.set(attribute, position);
    if (!into.owners.includes(owner)) into.owners.push(owner);
  }
  for (const { object } of out) {
    const values = object;
    for (const attribute of Object.keys(values)) values[attribute] = settled(values[attribute]);
  }
  return out;
}
function foldTarget(folds, key, object, attributes, other) {
  const position = folds.byKey.get(key);
  if (position === void 0 || folds.entries[position].at <= other) return void 0;
  const creates = object._update_existing_only !== true;
  if ((creates ? folds.lastUpdating : folds.lastCreating) > position) return void 0;
  for (const attribute of attributes) if ((folds.touched.get(attribute) ?? -1) > position) return void 0;
  return position;
}
function valueKeys(object) {
  const identifier = identifierKey(object);
  return Object.keys(object).filter((key) => key !== identifier && !ATTRIBUTE_CONTROL_KEYS.includes(key));
}

// src/destination/contact.ts
function userPaths(event, paths) {
  return event.type === "group" ? paths.filter((keys) => keys[0] !== "traits") : paths;
}
var CONTACT_PATHS = {
  email: [
    ["traits", "email"],
    ["context", "traits", "email"]
  ],
  phone: [
    ["traits", "phone"],
    ["context", "traits", "phone"]
  ]
};
var LOCAL_CHARACTER = String.raw`(?:[A-Za-z0-9_\-^+$'&#/!%*=?\x60|~]|(?![\p{ASCII}\s])[\p{Alphabetic}\p{Nd}\p{P}\p{S}])`;
var LOCAL_PART = new RegExp(String.raw`^${LOCAL_CHARACTER}+(?:\.${LOCAL_CHARACTER}+)*$`, "u");
var DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
var GMAIL = /^(?:gmail|googlemail)\.com$/i;
var MICROSOFT = /msn|hotmail|outlook|live/i;
var MICROSOFT_LOCAL_PART = /^\w[-\w]*(?:\.[-\w]+)*$/i;
var LOCAL_PART_MAX = 64;
var PHONE_CHARACTERS = /^\+?[\d\s().-]+$/;
var E164_DIGITS = /^[1-9]\d{6,14}$/;
var NORTH_AMERICAN = /^1?[2-9]\d{9}$/;
function validEmail(value) {
  if (typeof value !== "string") return void 0;
  const email = value.trim();
  const at = email.indexOf("@");
  if (email.length > MAX_STRING_LENGTH || at < 1 || at > LOCAL_PART_MAX) return void 0;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!DOMAIN.test(domain) || !LOCAL_PART.test(local)) return void 0;
  if (GMAIL.test(domain) && [...local].length < 2) return void 0;
  if (MICROSOFT.test(domain) && !MICROSOFT_LOCAL_PART.test(local.split("+")[0])) return void 0;
  return email;
}
function validPhone(value) {
  if (typeof value !== "string") return void 0;
  const phone = value.trim();
  if (phone.length > MAX_STRING_LENGTH || !PHONE_CHARACTERS.test(phone)) return void 0;
  const digits = phone.replace(/\D/g, "");
  const valid = phone.startsWith("+") ? E164_DIGITS.test(digits) : NORTH_AMERICAN.test(digits);
  return valid ? phone : void 0;
}
var validContact = { email: validEmail, phone: validPhone };
function contactProblem(kind, value) {
  if (isAbsent(value)) return void 0;
  if (validContact[kind](value) !== void 0) return void 0;
  if (typeof value !== "string") return `not text (${Array.isArray(value) ? "an array" : typeof value})`;
  return kind === "email" ? "not a valid email address" : "not a phone number Braze accepts (E.164 with +country code, or a 10-digit U.S. number)";
}
var CONTACTS = ["email", "phone"];
function contactKey(kind, value) {
  if (typeof value !== "string") return void 0;
  if (kind === "email") return `email:${value.trim().toLowerCase()}`;
  const digits = value.replace(/\D/g, "");
  return `phone:${!value.trim().startsWith("+") && digits.length === 10 ? `1${digits}` : digits}`;
}
function profileKey(object) {
  const id = identifierKey(object);
  const value = object[id];
  return (id === "email" || id === "phone") && contactKey(id, value) || keyOf(id, value);
}
function contactsGiven(object) {
  const id = identifierKey(object);
  if (id === "external_id") return [];
  const record = object;
  return CONTACTS.flatMap((kind) => kind === id ? [] : contactKey(kind, record[kind]) ?? []);
}
function profilesWritten(objects) {
  return [...objects.map(profileKey), ...objects.flatMap(contactsGiven)];
}

// src/destination/merge-order.ts
function profilesOf(merges) {
  return {
    away: merges.map((merge) => profileKey(merge.identifier_to_merge)),
    kept: merges.map((merge) => profileKey(merge.identifier_to_keep))
  };
}
function dependsOn(merge, earlier) {
  const away = profileKey(merge.identifier_to_merge);
  return earlier.away.includes(away) || earlier.kept.includes(away) || earlier.away.includes(profileKey(merge.identifier_to_keep));
}
function mergeWaves(merges) {
  const waves = [];
  const last = /* @__PURE__ */ new Map();
  const lastOf = (key) => last.get(key) ?? -1;
  for (const merge of merges) {
    const away = profileKey(merge.object.identifier_to_merge);
    const kept = profileKey(merge.object.identifier_to_keep);
    const wave = Math.max(lastOf(`away:${away}`), lastOf(`kept:${away}`), lastOf(`away:${kept}`)) + 1;
    (waves[wave] ??= []).push(merge);
    last.set(`away:${away}`, wave);
    last.set(`kept:${kept}`, Math.max(lastOf(`kept:${kept}`), wave));
  }
  return waves;
}

// src/destination/delivery-memory.ts
var MESSAGE_TTL_MS = 6 * 60 * 60 * 1e3;
var MERGE_TTL_MS = 24 * 60 * 60 * 1e3;
var VALUES_TTL_MS = 24 * 60 * 60 * 1e3;
var MAX_MESSAGES = 2e4;
var MAX_MERGES = 2e4;
var MAX_USERS = 5e3;
var MAX_REMEMBERED_CHARS_PER_USER = 4e3;
var REMEMBERED_ENTRY_CHARS = 48;
var MAX_NAMES_WRITTEN_ELSEWHERE = 1e4;
var MAX_REMEMBERED_KEY_CHARS = 1024;
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
  delete(key) {
    this.young.delete(key);
    this.old.delete(key);
  }
  get empty() {
    return this.young.size === 0 && this.old.size === 0;
  }
  clear() {
    this.young = /* @__PURE__ */ new Map();
    this.old = /* @__PURE__ */ new Map();
  }
  set(key, value, now) {
    if (key.length > MAX_REMEMBERED_KEY_CHARS) return;
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
  /** By messageId: what Braze accepted, and the fingerprint of the content, where the single handlers gave one. */
  messages = new BoundedMap(
    MAX_MESSAGES,
    MESSAGE_TTL_MS
  );
  /** By the identity of the profile merged away: the merge Braze took. */
  merges = new BoundedMap(MAX_MERGES, MERGE_TTL_MS);
  /** By user: each attribute's last delivered value (JSON) and the count of writes elsewhere when it was sent. */
  values = new BoundedMap(MAX_USERS, VALUES_TTL_MS);
  /**
   * Writes by another identifier than an external_id (byExternalId in unchanged-attributes.ts) may
   * change any user's attribute: counted, and by attribute the count at the last one that carried it.
   * A value sent before that write no longer counts as the profile's.
   */
  writesElsewhere = 0;
  lastWrittenElsewhere = /* @__PURE__ */ new Map();
  /** The count when lastWrittenElsewhere was last emptied: a value sent before it may have been written over since. */
  forgottenBefore = 0;
  /** Profiles whose merge is on its way to Braze: how many requests carry it, and whether the profile was written to meanwhile. */
  mergesSending = /* @__PURE__ */ new Map();
  /** Users whose attributes are on their way to Braze: how many requests carry them, and whether two ever did at once. */
  sending = /* @__PURE__ */ new Map();
  /** Messages an invocation of this instance is delivering now: how many invocations. */
  delivering = /* @__PURE__ */ new Map();
  /** Whether another invocation of this instance is delivering this message now (begin … end). */
  inFlight(messageId) {
    return this.delivering.has(messageId);
  }
  begin(messageIds) {
    for (const id of messageIds) this.delivering.set(id, (this.delivering.get(id) ?? 0) + 1);
  }
  end(messageIds) {
    for (const id of messageIds) {
      const left = (this.delivering.get(id) ?? 1) - 1;
      if (left > 0) this.delivering.set(id, left);
      else this.delivering.delete(id);
    }
  }
  /**
   * The parts of this message Braze accepted before, or `delivered` when it took all of them. With
   * `content` (a fingerprint of the event), a message remembered with another content is a new one.
   */
  recall(messageId, content) {
    const known = this.messages.get(messageId, this.now());
    if (!known || content !== void 0 && known.content !== void 0 && known.content !== content) return void 0;
    return known.parts === DELIVERED ? DELIVERED : new Set(known.parts);
  }
  /**
   * `cut`: the maxObjectsPerRequest the event's parts were cut with. Part numbers name parts of that
   * cut, so a redelivery under another setting cuts the event as it was then (cutOf).
   */
  remember(messageId, accepted, delivered, content, cut, refused) {
    const before = this.recall(messageId, content);
    if (before === DELIVERED) return;
    const known = before && this.messages.get(messageId, this.now());
    const kept = content ?? known?.content;
    if (delivered) return this.messages.set(messageId, { parts: DELIVERED, content: kept }, this.now());
    const parts = /* @__PURE__ */ new Set([...before ?? [], ...accepted]);
    const entry = { parts: [...parts], content: kept, cut: known?.cut ?? cut, refused: known?.refused ?? refused };
    if (parts.size > 0) this.messages.set(messageId, entry, this.now());
  }
  /**
   * Why Braze refused an object of the message by name in an earlier attempt that was retried for another
   * reason: the parts it took are not sent again, and the refusal still decides the outcome (a 400).
   */
  refusalOf(messageId) {
    return this.messages.get(messageId, this.now())?.refused;
  }
  /** The maxObjectsPerRequest the message's remembered parts were cut with. */
  cutOf(messageId) {
    return this.messages.get(messageId, this.now())?.cut;
  }
  /** Forgets what Braze accepted for this message: its id turned out to name different events. */
  forget(messageId) {
    this.messages.delete(messageId);
  }
  /** Whether Braze took this merge (`key`) of the profile `merged` names, and nothing was sent to that profile since. */
  mergeDone(merged, key) {
    return this.merges.get(merged, this.now()) === key;
  }
  rememberMerge(merged, key) {
    if (key.length <= 2 * MAX_REMEMBERED_KEY_CHARS) this.merges.set(merged, key, this.now());
  }
  /** A merge of this profile is on its way to Braze; `mergeAnswered` follows. */
  mergeSending(merged) {
    const sending = this.mergesSending.get(merged);
    if (sending) sending.requests += 1;
    else this.mergesSending.set(merged, { requests: 1, stale: false });
  }
  /** Braze took the merge (`key`) or not (undefined). Not remembered when the profile was written to meanwhile. */
  mergeAnswered(merged, key) {
    const sending = this.mergesSending.get(merged);
    if (key !== void 0 && !sending?.stale) this.rememberMerge(merged, key);
    if (sending && --sending.requests === 0) this.mergesSending.delete(merged);
  }
  /**
   * Something is on its way to this profile: an event for an alias or an old userId that was merged away
   * creates the profile again, and the next merge of it must be sent, even if one in flight now succeeds.
   */
  forgetMerge(merged) {
    this.merges.delete(merged);
    const sending = this.mergesSending.get(merged);
    if (sending) sending.stale = true;
  }
  /** The JSON of the value last delivered for this user's attribute, if remembered. */
  deliveredValue(user, attribute) {
    const known = this.values.get(user, this.now())?.get(attribute);
    if (known === void 0 || known.asOf < this.forgottenBefore || (this.lastWrittenElsewhere.get(attribute) ?? 0) > known.asOf)
      return void 0;
    return known.at + VALUES_TTL_MS > this.now() ? known.json : void 0;
  }
  /** An object keyed by an email, phone, braze_id or alias carries these attributes to Braze (the other writes go by user). */
  writtenElsewhere(attributes) {
    this.writesElsewhere += 1;
    for (const attribute of attributes) this.lastWrittenElsewhere.set(attribute, this.writesElsewhere);
    if (this.lastWrittenElsewhere.size > MAX_NAMES_WRITTEN_ELSEWHERE) {
      this.lastWrittenElsewhere.clear();
      this.values.clear();
      this.forgottenBefore = this.writesElsewhere;
    }
  }
  /**
   * A request carries these attributes of the user to Braze. Until Braze accepts them their values are
   * forgotten: a request that gets no answer may still change the profile. Two requests carrying one
   * user's attributes at the same time (overlapping invocations) may be applied in either order, so
   * then neither is remembered: a value that was sent is never taken for what the profile holds.
   */
  sendingValues(user, attributes) {
    const known = this.values.get(user, this.now());
    if (known) for (const attribute of attributes) known.delete(attribute);
    const sending = this.sending.get(user);
    if (sending) {
      sending.requests += 1;
      sending.overlapped = true;
    } else this.sending.set(user, { requests: 1, overlapped: false, asOf: this.writesElsewhere });
  }
  /**
   * The request of `sendingValues` was answered: `accepted` are the values Braze took (plain values as
   * JSON, anything else undefined and so not remembered), or undefined when it did not take them.
   */
  sentValues(user, accepted) {
    const sending = this.sending.get(user);
    if (accepted && sending && !sending.overlapped) this.rememberValues(user, accepted, sending.asOf);
    if (sending && --sending.requests === 0) this.sending.delete(user);
  }
  /**
   * The profile is being deleted or merged away: nothing delivered to it counts any more, nor what a
   * request on its way to it may still deliver (its answer may come after the delete).
   */
  forgetValues(profile) {
    const sending = this.sending.get(profile);
    if (sending) sending.overlapped = true;
    this.values.delete(profile);
  }
  /**
   * Nothing delivered counts any more: a profile deleted by an alias, email or phone may be any user's
   * (attached outside Segment), and writes made while skipUnchangedAttributes was off were not followed.
   */
  forgetEveryValue() {
    for (const sending of this.sending.values()) sending.overlapped = true;
    if (!this.values.empty) this.values.clear();
  }
  rememberValues(user, delivered, asOf) {
    const known = this.values.get(user, this.now()) ?? /* @__PURE__ */ new Map();
    const cost = (attribute, json) => attribute.length + json.length + REMEMBERED_ENTRY_CHARS;
    let chars = 0;
    for (const [attribute, { json }] of known) chars += cost(attribute, json);
    for (const [attribute, json] of delivered) {
      const before = known.get(attribute);
      if (before !== void 0) {
        known.delete(attribute);
        chars -= cost(attribute, before.json);
      }
      if (json !== void 0 && chars + cost(attribute, json) <= MAX_REMEMBERED_CHARS_PER_USER) {
        known.set(attribute, { json, asOf, at: this.now() });
        chars += cost(attribute, json);
      }
    }
    this.values.set(user, known, this.now());
  }
};
function segmentCache() {
  const provided = typeof cache === "undefined" ? void 0 : cache;
  return typeof provided?.load === "function" && typeof provided.delete === "function" ? provided : void 0;
}
var STORE_TTL_MS = 24 * 60 * 60 * 1e3;
function fingerprint(text2) {
  let hash = 2166136261;
  for (let i = 0; i < text2.length; i++) {
    hash ^= text2.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0).toString(36);
}
var inUse = /* @__PURE__ */ new Map();
async function openMemory(restHost, apiKey) {
  const cache2 = segmentCache();
  if (!cache2) return void 0;
  const key = `braze-destination-memory:${restHost}:${fingerprint(apiKey)}`;
  const shared = inUse.get(key) ?? await openShared(cache2, key);
  if (!shared) return void 0;
  shared.invocations += 1;
  const { memory } = shared;
  return {
    memory,
    async keep() {
      try {
        cache2.delete(key);
        await cache2.load(key, STORE_TTL_MS, async () => memory);
      } catch {
      } finally {
        shared.invocations -= 1;
        if (shared.invocations === 0 && inUse.get(key) === shared) inUse.delete(key);
      }
    }
  };
}
async function openShared(cache2, key) {
  let found;
  try {
    found = await cache2.load(key, STORE_TTL_MS, async () => new DeliveryMemory());
  } catch {
    return void 0;
  }
  const shared = inUse.get(key) ?? { memory: found instanceof DeliveryMemory ? found : new DeliveryMemory(), invocations: 0 };
  inUse.set(key, shared);
  return shared;
}

// src/destination/message-copies.ts
function copiesOf(plans) {
  const byId = /* @__PURE__ */ new Map();
  plans.forEach((plan, owner) => {
    if (plan?.messageId === void 0) return;
    const owners = byId.get(plan.messageId);
    if (owners) owners.push(owner);
    else byId.set(plan.messageId, [owner]);
  });
  const copies = /* @__PURE__ */ new Map();
  for (const owners of byId.values()) {
    if (owners.length < 2) continue;
    const firstWith = /* @__PURE__ */ new Map();
    for (const owner of owners) {
      const json = JSON.stringify(plans[owner]);
      const first2 = firstWith.get(json);
      if (first2 === void 0) firstWith.set(json, owner);
      copies.set(owner, { first: first2, reused: false });
    }
    if (firstWith.size > 1) for (const owner of owners) copies.get(owner).reused = true;
  }
  return copies;
}

// src/destination/contact-rounds.ts
var MAX_ROUNDS = 3;
function useOf(plan) {
  const use = { users: [], contacts: [], eventsKeyedBy: [], gives: [] };
  const objects = [...plan.attributes, ...plan.events, ...plan.purchases];
  for (const [index, object] of objects.entries()) {
    use.users.push(identityKey(object));
    const key = identifierKey(object);
    for (const kind of CONTACTS) {
      const value = contactKey(kind, object[kind]);
      if (!value) continue;
      use.contacts.push(value);
      if (key !== kind) use.gives.push(value);
      else if (index >= plan.attributes.length) use.eventsKeyedBy.push(value);
    }
  }
  for (const { identifier_to_merge: source, identifier_to_keep: keep } of plan.merges) {
    use.users.push(identityKey(keep));
    const kind = CONTACTS.find((one) => one in source);
    const value = kind && contactKey(kind, source[kind]);
    if (value) use.contacts.push(value);
    else use.users.push(identityKey(source));
  }
  for (const target of plan.deletes) use.users.push(identityKey(target));
  return use;
}
function touchesOf(plan) {
  const { users, contacts } = useOf(plan);
  return [...users, ...contacts];
}
function contactRounds(plans) {
  const all = plans.flatMap((plan, owner) => plan ? [owner] : []);
  const keyedByContact = (object) => {
    const key = identifierKey(object);
    return key === "email" || key === "phone";
  };
  if (!plans.some((plan) => plan && (plan.events.some(keyedByContact) || plan.purchases.some(keyedByContact)))) return [all];
  const uses = plans.map((plan) => plan ? useOf(plan) : void 0);
  if (!uses.some((use) => use && use.gives.length > 0)) return [all];
  const copies = copiesOf([...plans]);
  const rounds = [];
  let left = all;
  while (left.length > 0) {
    if (rounds.length === MAX_ROUNDS - 1) {
      rounds.push(left);
      break;
    }
    const now = [];
    const later = [];
    const waits = /* @__PURE__ */ new Set();
    const keyedByEvents = /* @__PURE__ */ new Set();
    const waitingUsers = /* @__PURE__ */ new Set();
    const waitingContacts = /* @__PURE__ */ new Set();
    for (const owner of left) {
      const first2 = copies.get(owner)?.first;
      const use = uses[owner];
      const wait = first2 !== void 0 ? waits.has(first2) : use.users.some((user) => waitingUsers.has(user)) || use.contacts.some((value) => waitingContacts.has(value)) || use.gives.some((value) => keyedByEvents.has(value));
      if (wait) {
        waits.add(owner);
        later.push(owner);
        for (const user of use.users) waitingUsers.add(user);
        for (const value of use.contacts) waitingContacts.add(value);
      } else {
        now.push(owner);
        for (const value of use.eventsKeyedBy) keyedByEvents.add(value);
      }
    }
    rounds.push(now);
    left = later;
  }
  return rounds;
}

// src/destination/track-bundle.ts
function emptyBundle() {
  return { attributes: [], events: [], purchases: [] };
}
function item(object, owners, part) {
  return { object, owners, part, bytes: jsonSize(object) };
}
function sizeOf(bundle) {
  const size = {
    attributes: bundle.attributes.length,
    events: bundle.events.length,
    purchases: bundle.purchases.length,
    total: 0,
    bytes: 0
  };
  size.total = size.attributes + size.events + size.purchases;
  for (const name of TRACK_ARRAYS) for (const entry of bundle[name]) size.bytes += entry.bytes + 1;
  return size;
}
function addTo(target, source) {
  target.attributes.push(...source.attributes);
  target.events.push(...source.events);
  target.purchases.push(...source.purchases);
}
function itemsOf(bundle) {
  const out = [];
  for (const array of TRACK_ARRAYS) for (const entry of bundle[array]) out.push({ array, item: entry });
  return out;
}
function bodyOf(bundle) {
  const body = {};
  for (const array of TRACK_ARRAYS) {
    if (bundle[array].length > 0) body[array] = bundle[array].map((entry) => entry.object);
  }
  return body;
}
function firstOwner(bundle) {
  let first2 = Infinity;
  for (const array of TRACK_ARRAYS) for (const entry of bundle[array]) first2 = Math.min(first2, ...entry.owners);
  return first2;
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
function packRequests(atoms, limits, order, rank = (owner) => owner) {
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
    inTimeOrder2(bundle.attributes, rank);
    return bundle;
  });
}
function inTimeOrder2(attributes, rank) {
  const first2 = new Map(attributes.map((entry) => [entry, Math.min(...entry.owners.map(rank))]));
  attributes.sort((a, b) => first2.get(a) - first2.get(b));
}
function packInOrder(atoms, limits) {
  const requests = [];
  for (const atom of atoms) {
    const size = sizeOf(atom);
    const last = requests.at(-1);
    if (last && fits(plus(last.size, size), limits)) {
      addTo(last.bundle, atom);
      last.size = plus(last.size, size);
    } else {
      const bundle = emptyBundle();
      addTo(bundle, atom);
      requests.push({ bundle, size });
    }
  }
  return requests.map((request) => request.bundle);
}
function smallerRequests(request, limits) {
  const whole = [];
  const lanes = [];
  const unsendable = [];
  for (const user of usersOf(request)) {
    if (fits(sizeOf(user), limits)) {
      whole.push(user);
      continue;
    }
    const units = /* @__PURE__ */ new Map();
    let attributesObjects = 0;
    for (const { array, item: one } of itemsOf(user)) {
      const key = array === "attributes" ? `attributes ${attributesObjects++}` : `${one.owners[0]} ${String(one.part)}`;
      if (!units.has(key)) units.set(key, emptyBundle());
      units.get(key)[array].push(one);
    }
    const fitting = [...units.values()].filter((unit) => fits(sizeOf(unit), limits));
    unsendable.push(...[...units.values()].filter((unit) => !fitting.includes(unit)));
    if (fitting.length > 0) lanes.push(packInOrder(fitting, limits));
  }
  lanes.push(...packRequests(whole, limits, firstOwner).map((one) => [one]));
  return { lanes, unsendable };
}
function usersOf(request) {
  const users = /* @__PURE__ */ new Map();
  for (const { array, item: one } of itemsOf(request)) {
    const key = identityKey(one.object);
    if (!users.has(key)) users.set(key, emptyBundle());
    users.get(key)[array].push(one);
  }
  return [...users.values()];
}

// src/destination/contact-links.ts
function contactLinks(objects) {
  const keyedBy = /* @__PURE__ */ new Map();
  const givenTo = /* @__PURE__ */ new Map();
  const add = (map, value, identity) => {
    const set = map.get(value);
    if (set) set.add(identity);
    else map.set(value, /* @__PURE__ */ new Set([identity]));
  };
  const all = [...objects];
  for (const object of all) {
    const key = identifierKey(object);
    if (key !== "email" && key !== "phone") continue;
    const value = contactKey(key, object[key]);
    if (value) add(keyedBy, value, identityKey(object));
  }
  if (keyedBy.size === 0) return /* @__PURE__ */ new Map();
  for (const object of all) {
    const key = identifierKey(object);
    for (const kind of CONTACTS) {
      if (kind === key) continue;
      const value = contactKey(kind, object[kind]);
      if (value && keyedBy.has(value)) add(givenTo, value, identityKey(object));
    }
  }
  const parent = /* @__PURE__ */ new Map();
  const root = (identity) => {
    let at = identity;
    while (parent.has(at)) at = parent.get(at);
    return at;
  };
  for (const [value, keyed2] of keyedBy) {
    const linked = [...keyed2, ...givenTo.get(value) ?? []];
    if (linked.length < 2) continue;
    const first2 = root(linked[0]);
    for (const identity of linked.slice(1)) {
      const other = root(identity);
      if (other !== first2) parent.set(other, first2);
    }
  }
  const links = /* @__PURE__ */ new Map();
  for (const identity of parent.keys()) {
    links.set(identity, root(identity));
    links.set(root(identity), root(identity));
  }
  return links;
}

// src/destination/unchanged-attributes.ts
function byExternalId(object) {
  return identifierKey(object) === "external_id";
}
function attributeNames(object) {
  const identifier = identifierKey(object);
  return Object.keys(object).filter((key) => key !== identifier && !ATTRIBUTE_CONTROL_KEYS.includes(key));
}
function attributeItems(merged, skip) {
  const out = { items: [], unchanged: 0 };
  const earlier = /* @__PURE__ */ new Map();
  for (const { object, owners } of merged) {
    let kept = { object, unchanged: 0 };
    if (skip) {
      const user = identityKey(object);
      const changed = earlier.get(user) ?? /* @__PURE__ */ new Set();
      earlier.set(user, changed);
      if (byExternalId(object) && !owners.some((owner) => skip.exempt.has(owner))) kept = withoutUnchanged(object, skip, changed);
      for (const key of Object.keys(object)) changed.add(key);
    }
    out.unchanged += kept.unchanged;
    if (kept.object) out.items.push(item(kept.object, owners, "attributes"));
  }
  return out;
}
function isPlainValue(value) {
  if (value === null) return false;
  if (typeof value !== "object" || Array.isArray(value)) return true;
  if (isArrayEdit(value)) return false;
  return !isIncrement(value) && !Object.keys(value).some((key) => key.startsWith("$"));
}
function withoutUnchanged(object, skip, changed) {
  const user = identityKey(object);
  const identifier = identifierKey(object);
  const record = object;
  const kept = {};
  let attributes = 0;
  let unchanged = 0;
  for (const key of Object.keys(record)) {
    const value = record[key];
    const identifies = key === identifier || ATTRIBUTE_CONTROL_KEYS.includes(key);
    const fresh = !changed.has(key) && !skip.elsewhere.has(key);
    if (!identifies && fresh && isPlainValue(value) && skip.memory.deliveredValue(user, key) === JSON.stringify(value)) {
      unchanged++;
      continue;
    }
    kept[key] = value;
    if (!identifies) attributes++;
  }
  return { object: attributes > 0 || unchanged === 0 ? kept : void 0, unchanged };
}

// src/destination/delivery-plan.ts
function requestLimits(maxObjectsPerRequest) {
  return { perType: MAX_OBJECTS_PER_TYPE, combined: maxObjectsPerRequest, bytes: MAX_REQUEST_BYTES };
}
function planDelivery(plans, options) {
  const { limits, memory } = options;
  const delivery = {
    requests: [],
    deferred: [],
    chains: [],
    merges: [],
    deletes: [],
    expected: plans.map(() => /* @__PURE__ */ new Set()),
    alreadyDelivered: plans.map(() => false),
    acceptedBefore: plans.map(() => /* @__PURE__ */ new Set()),
    refusedBefore: /* @__PURE__ */ new Map(),
    cuts: plans.map(() => limits.combined),
    duplicateOf: /* @__PURE__ */ new Map(),
    reusedIds: /* @__PURE__ */ new Set(),
    rejected: /* @__PURE__ */ new Map(),
    held: /* @__PURE__ */ new Map(),
    profiles: plans.map(() => []),
    ownAttributes: /* @__PURE__ */ new Map(),
    bestEffortMerges: new Set(plans.flatMap((plan, owner) => plan?.mergesBestEffort ? [owner] : [])),
    unchangedAttributes: 0,
    warnings: plans.map(() => [])
  };
  const groups = /* @__PURE__ */ new Map();
  const groupOf = (key) => {
    let group = groups.get(key);
    if (!group) groups.set(key, group = { updates: [], chunks: [] });
    return group;
  };
  const merges = new Dedup();
  let remembered;
  const deletes = new Dedup();
  const copies = copiesOf(plans);
  const live = [];
  const deleted = /* @__PURE__ */ new Set();
  const heldProfiles = /* @__PURE__ */ new Set();
  plans.forEach((plan, owner) => {
    if (!plan) return;
    const copy = copies.get(owner);
    const reused = copy?.reused || plan.messageId !== void 0 && options.reusedIds?.has(plan.messageId);
    if (copy?.first !== void 0) {
      delivery.duplicateOf.set(owner, copy.first);
      return;
    }
    if (reused) delivery.reusedIds.add(plan.messageId);
    if (plan.messageId !== void 0 && !reused && memory?.inFlight(plan.messageId)) {
      delivery.held.set(owner, IN_FLIGHT);
      return;
    }
    const recalled = plan.messageId === void 0 || reused ? void 0 : memory?.recall(plan.messageId, options.contents?.[owner]);
    if (recalled === DELIVERED) {
      delivery.alreadyDelivered[owner] = true;
      return;
    }
    const cut = recalled && recalled.size > 0 ? memory?.cutOf(plan.messageId) : void 0;
    if (cut !== void 0) delivery.cuts[owner] = cut;
    const cutLimits = cut !== void 0 && cut !== limits.combined ? requestLimits(cut) : limits;
    let parts = chunks(plan, owner, cutLimits);
    let leftOut;
    if (parts.length > MAX_REQUESTS_PER_EVENT && plan.purchasesOptional) {
      leftOut = `The purchases were left out and the rest sent: ${purchasesOverLimit(plan, cutLimits)}`;
      plan = { ...plan, purchases: [], purchasesOptional: void 0 };
      parts = chunks(plan, owner, cutLimits);
    }
    if (parts.length > MAX_REQUESTS_PER_EVENT) {
      delivery.rejected.set(owner, tooManyRequests(plan, parts, cutLimits));
      return;
    }
    const written = objectProfiles(plan);
    const deletes2 = plan.deletes.map((target) => identityKey(target));
    if (deleted.size > 0 || heldProfiles.size > 0) {
      const profiles = [...written, ...mergeProfiles(plan)];
      if (profiles.some((profile) => deleted.has(profile)) || [...profiles, ...deletes2].some((profile) => heldProfiles.has(profile))) {
        for (const profile of [...profiles, ...deletes2]) heldProfiles.add(profile);
        delivery.held.set(owner, AFTER_DELETE);
        return;
      }
    }
    for (const profile of deletes2) deleted.add(profile);
    if (leftOut) delivery.warnings[owner].push(leftOut);
    delivery.profiles[owner] = written;
    const done = recalled ?? /* @__PURE__ */ new Set();
    delivery.acceptedBefore[owner] = done;
    const refusal = recalled && plan.messageId !== void 0 ? memory?.refusalOf(plan.messageId) : void 0;
    if (refusal) delivery.refusedBefore.set(owner, refusal);
    live.push({ owner, plan, done, parts });
  });
  const creating = creatingWhereTheBatchCreates(live);
  const links = contactLinks(creating.flatMap(({ plan }) => [...plan.attributes, ...plan.events, ...plan.purchases]));
  const userGroup = (identity) => {
    const root = links.get(identity);
    if (root === void 0) return groupOf(identity);
    const group = groupOf(root);
    group.linked = true;
    return group;
  };
  for (const { owner, plan, done, parts } of creating) {
    const pending = parts.filter((_, index) => !done.has(index));
    const recreate = pending.length > 0 && done.size > 0 && plan.attributes.some(createsAliasOnly);
    const attributesDone = done.has("attributes") && !recreate;
    if (plan.attributes.length > 0 && !attributesDone) {
      for (const object of plan.attributes) userGroup(identityKey(object)).updates.push({ object, owner, epoch: plan.epoch });
      delivery.ownAttributes.set(owner, plan.attributes);
    }
    const attributesFirst = plan.attributes.length > 0 && !attributesDone && (done.has(0) || limits.combined < 2);
    const recut = delivery.cuts[owner] !== limits.combined;
    const first2 = attributesFirst || recut ? void 0 : pending.shift();
    if (first2) userGroup(userOf(first2)).chunks.push({ owner, bundle: first2 });
    if (pending.length > 0) delivery.chains.push({ owner, parts: pending });
    for (const merge of plan.merges) {
      const key = JSON.stringify(merge);
      if (!memory?.mergeDone(profileKey(merge.identifier_to_merge), key)) merges.add(merge, key, owner);
      else (remembered ??= []).push({ merge, key, owner });
    }
    for (const target of plan.deletes) deletes.add(target, JSON.stringify(target), owner);
  }
  if (remembered) {
    const touched = profilesOf2(plans.filter((_, owner) => !delivery.alreadyDelivered[owner]));
    for (const { merge, key, owner } of remembered) if (touched.has(profileKey(merge.identifier_to_merge))) merges.add(merge, key, owner);
  }
  const skip = options.skipUnchangedAttributes && memory ? {
    memory,
    exempt: new Set(plans.flatMap((plan, owner) => plan?.engage ? [owner] : [])),
    elsewhere: new Set(
      plans.flatMap((plan) => plan?.attributes.filter((object) => !byExternalId(object)).flatMap(attributeNames) ?? [])
    )
  } : void 0;
  let chosen = atomsOfAll([...groups.values()], limits, skip, false);
  const rank = timeRanks(plans.map((plan) => plan?.epoch));
  const byRank = (owner) => rank[owner];
  delivery.requests = packRequests(chosen.atoms, limits, firstOwner, byRank);
  if (delivery.requests.length > lowerBound(totalSize(chosen.atoms), limits)) {
    const byEvent = atomsOfAll([...groups.values()], limits, skip, true);
    const requests = packRequests(byEvent.atoms, limits, firstOwner, byRank);
    if (requests.length < delivery.requests.length) {
      delivery.requests = requests;
      chosen = byEvent;
    }
  }
  delivery.unchangedAttributes = chosen.unchanged;
  delivery.deferred = packRequests(
    chosen.deferred.map(({ bundle }) => bundle),
    limits,
    firstOwner,
    byRank
  );
  delivery.merges = merges.items();
  delivery.deletes = deleteRequests(deletes.items());
  for (const bundle of [...delivery.requests, ...delivery.deferred, ...delivery.chains.flatMap((chain) => chain.parts)]) {
    for (const array of TRACK_ARRAYS) {
      for (const entry of bundle[array]) for (const owner of entry.owners) delivery.expected[owner].add(entry.part);
    }
  }
  return delivery;
}
function creatingWhereTheBatchCreates(live) {
  const updateOnly = (object) => object._update_existing_only === true;
  const flippable = live.some(
    ({ plan }) => plan.engage && (plan.attributes.some(updateOnly) || plan.events.some(updateOnly) || plan.purchases.some(updateOnly))
  );
  if (!flippable) return live;
  const created = /* @__PURE__ */ new Set();
  for (const { plan, done, parts } of live) {
    const sent = done.has("attributes") ? [] : [...plan.attributes];
    parts.forEach((part, index) => {
      if (!done.has(index)) for (const { item: one } of itemsOf(part)) sent.push(one.object);
    });
    for (const object of sent) if (createsProfile(object)) created.add(identityKey(object));
  }
  if (created.size === 0) return live;
  const creating = (object) => object._update_existing_only === true && created.has(identityKey(object)) ? { ...object, _update_existing_only: false } : object;
  return live.map((entry) => {
    if (!entry.plan.engage) return entry;
    const { plan } = entry;
    const flipped = {
      ...plan,
      attributes: plan.attributes.map(creating),
      events: plan.events.map(creating),
      purchases: plan.purchases.map(creating)
    };
    const parts = entry.parts.map((part) => {
      const bundle = emptyBundle();
      for (const { array, item: one } of itemsOf(part))
        bundle[array].push(item(creating(one.object), one.owners, one.part));
      return bundle;
    });
    return { ...entry, plan: flipped, parts };
  });
}
function tooManyRequests(plan, parts, limits) {
  const objects = plan.attributes.length + plan.events.length + plan.purchases.length;
  const perRequest = Math.min(limits.perType, limits.combined);
  const most = MAX_REQUESTS_PER_EVENT * perRequest;
  if (objects > most)
    return `This event would become ${objects} Braze objects (${plan.purchases.length} of them purchases: one per product, and one per 100 of a quantity); the function sends at most ${most} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${perRequest}). Split the order, or send it with ecommerceMode "recommended".`;
  const kilobytes = Math.ceil(parts.reduce((sum, part) => sum + sizeOf(part).bytes, 0) / 1024);
  return `This event's Braze objects add up to ${kilobytes} KB and need ${parts.length} requests; the function sends at most ${MAX_REQUESTS_PER_EVENT} for one event. Send fewer or smaller products, or send it with ecommerceMode "recommended".`;
}
function purchasesOverLimit(plan, limits) {
  const perRequest = Math.min(limits.perType, limits.combined);
  const most = MAX_REQUESTS_PER_EVENT * perRequest;
  const objects = plan.attributes.length + plan.events.length + plan.purchases.length;
  return objects > most ? `with its ${plan.purchases.length} purchases the event would be ${objects} Braze objects, and the function sends at most ${most} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${perRequest}).` : `with its purchases the event would need more than ${MAX_REQUESTS_PER_EVENT} requests of 1 MB.`;
}
function createsAliasOnly(object) {
  return "user_alias" in object && object._update_existing_only === false && Object.keys(object).length === 2;
}
function createsProfile(object) {
  if ("user_alias" in object) return object._update_existing_only === false;
  return !("braze_id" in object) && object._update_existing_only !== true;
}
var IN_FLIGHT = "Another invocation of this instance is delivering the same message (messageId) right now: once it is done, a retry sends only what Braze lacks.";
var AFTER_DELETE = "This batch deletes the user before this event: it is retried, so that it reaches Braze after the delete (a batch sends its deletes last).";
function objectProfiles(plan) {
  return profilesWritten([...plan.attributes, ...plan.events, ...plan.purchases]);
}
function mergeProfiles(plan) {
  return plan.merges.flatMap((merge) => [profileKey(merge.identifier_to_merge), profileKey(merge.identifier_to_keep)]);
}
function profilesOf2(plans) {
  return new Set(plans.flatMap((plan) => plan ? objectProfiles(plan) : []));
}
function totalSize(atoms) {
  const all = emptyBundle();
  for (const atom of atoms) addTo(all, atom);
  return sizeOf(all);
}
function userOf(bundle) {
  return identityKey((bundle.events[0] ?? bundle.purchases[0]).object);
}
function chunks({ events, purchases, attributes }, owner, limits) {
  if (events.length + purchases.length === 0) return [];
  const out = [];
  let current = emptyBundle();
  current.attributes.push(...attributes.map((object) => roomy(item(object, [owner], "attributes"))));
  const place = (array, object) => {
    const entry = roomy(item(object, [owner], out.length));
    current[array].push(entry);
    if (fits(sizeOf(current), limits) || current.events.length + current.purchases.length === 1) return;
    current[array].pop();
    out.push(current);
    current = emptyBundle();
    entry.part = out.length;
    current[array].push(entry);
  };
  for (const object of events) place("events", object);
  for (const object of purchases) place("purchases", object);
  if (current.events.length + current.purchases.length > 0) out.push(current);
  if (out[0]) out[0].attributes = [];
  return out;
}
function roomy(entry) {
  if (entry.object._update_existing_only === true) entry.bytes += 1;
  return entry;
}
function atomsOfAll(groups, limits, skip, split) {
  const all = { atoms: [], unchanged: 0, deferred: [] };
  for (const group of groups) {
    const { atoms, unchanged, deferred } = atomsOf(group, limits, skip, split);
    all.atoms.push(...atoms);
    all.unchanged += unchanged;
    all.deferred.push(...deferred);
  }
  return all;
}
function atomsOf(group, limits, skip, split) {
  const merged = attributeItems(mergeAttributes(group.updates), skip);
  if (!split || group.linked) {
    const whole = emptyBundle();
    whole.attributes.push(...merged.items);
    for (const chunk of group.chunks) addTo(whole, chunk.bundle);
    const size = sizeOf(whole);
    if (fits(size, limits)) return { atoms: size.total > 0 ? [whole] : [], unchanged: merged.unchanged, deferred: [] };
  }
  const chunks2 = new Map(group.chunks.map((chunk) => [chunk.owner, chunk.bundle]));
  const root = /* @__PURE__ */ new Map();
  const find = (owner) => {
    const up = root.get(owner) ?? owner;
    return up === owner ? owner : find(up);
  };
  for (const { owners } of merged.items) {
    const [first2, ...others] = owners.filter((owner) => chunks2.has(owner)).map(find);
    for (const other of others) if (other !== first2) root.set(other, first2);
  }
  const atomOf = /* @__PURE__ */ new Map();
  const atom = (carrier) => {
    const at = find(carrier);
    let bundle = atomOf.get(at);
    if (!bundle) atomOf.set(at, bundle = emptyBundle());
    return bundle;
  };
  const out = { atoms: [], unchanged: merged.unchanged, deferred: [] };
  for (const one of merged.items) {
    const carrier = one.owners.find((owner) => chunks2.has(owner));
    if (carrier === void 0) out.atoms.push({ ...emptyBundle(), attributes: [one] });
    else atom(carrier).attributes.push(one);
  }
  const carriers = /* @__PURE__ */ new Map();
  for (const owner of chunks2.keys()) {
    const at = find(owner);
    const owners = carriers.get(at);
    if (owners) owners.push(owner);
    else carriers.set(at, [owner]);
  }
  for (const [at, owners] of carriers) {
    const tied = atom(at);
    for (const owner of owners) addTo(tied, chunks2.get(owner));
    if (fits(sizeOf(tied), limits)) {
      out.atoms.push(tied);
      continue;
    }
    out.atoms.push(...inRequests(tied.attributes, limits));
    const needsFirst = tied.attributes.some(({ object }) => createsAliasOnly(object));
    for (const owner of owners) {
      if (needsFirst) out.deferred.push({ owner, bundle: chunks2.get(owner) });
      else out.atoms.push(chunks2.get(owner));
    }
  }
  return out;
}
function inRequests(attributes, limits) {
  const bundles = [];
  let current = emptyBundle();
  for (const one of attributes) {
    current.attributes.push(one);
    if (fits(sizeOf(current), limits) || current.attributes.length === 1) continue;
    current.attributes.pop();
    bundles.push(current);
    current = { ...emptyBundle(), attributes: [one] };
  }
  if (current.attributes.length > 0) bundles.push(current);
  return bundles;
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
    for (const chunk of chunked(mine, MAX_USERS_ENTRIES_PER_REQUEST)) {
      out.push({
        field: field2,
        targets: chunk.map((entry) => ({ value: of(entry.object), user: identityKey(entry.object), owners: entry.owners }))
      });
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
var FOLLOW_UP_LATENCY_FACTOR = 1.5;
function timeForFollowUp(deadline, slowestCallMs) {
  return deadline - Date.now() >= Math.max(FOLLOW_UP_MIN_MS, FOLLOW_UP_LATENCY_FACTOR * slowestCallMs);
}
var slowestOf = (calls, before = 0) => calls.reduce((most, call) => Math.max(most, call.ms), before);
var NOTHING = /* @__PURE__ */ new Set();
async function deliver(plans, options) {
  const order = inTimeOrder(plans.map((plan, owner) => ({ owner, epoch: plan?.epoch }))).map(({ owner }) => owner);
  const behind = behindADelete(order.map((owner) => plans[owner]));
  const report = await deliverInRounds(
    order.map((owner, index) => behind.has(index) ? void 0 : plans[owner]),
    options
  );
  for (const index of behind) report.failures[index] = [{ kind: "retry", message: BEHIND_A_DELETE }];
  if (order.every((owner, index) => owner === index)) return report;
  const back = (values) => {
    const out = new Array(values.length);
    order.forEach((owner, index) => out[owner] = values[index]);
    return out;
  };
  return {
    ...report,
    failures: back(report.failures),
    alreadyDelivered: back(report.alreadyDelivered),
    accepted: back(report.accepted),
    warnings: back(report.warnings)
  };
}
async function deliverInRounds(plans, options) {
  const rounds = contactRounds(plans);
  if (rounds.length === 1) return deliverInOrder(plans, options);
  const reusedIds = /* @__PURE__ */ new Set();
  for (const [owner, copy] of copiesOf(plans)) if (copy.reused) reusedIds.add(plans[owner].messageId);
  const touches = plans.map((plan) => plan ? touchesOf(plan) : []);
  const reports = [];
  const reportOf = plans.map(() => 0);
  const undelivered = /* @__PURE__ */ new Set();
  for (const [index, owners] of rounds.entries()) {
    const held = /* @__PURE__ */ new Set();
    for (const owner of owners) {
      if (!touches[owner].some((touch) => undelivered.has(touch))) continue;
      held.add(owner);
      for (const touch of touches[owner]) undelivered.add(touch);
    }
    const sent = new Set(owners.filter((owner) => !held.has(owner)));
    for (const owner of owners) reportOf[owner] = index;
    const part = plans.map((plan, owner) => sent.has(owner) ? plan : void 0);
    const slowestCallMs = slowestOf(reports.flatMap((report2) => report2.calls));
    const late = index > 0 && !timeForFollowUp(options.connection.deadline, slowestCallMs);
    const report = late ? unsent(part, OUT_OF_TIME) : await deliverInOrder(part, { ...options, slowestCallMs }, reusedIds);
    for (const owner of held) report.failures[owner] = [{ kind: "retry", message: HELD }];
    for (const owner of owners) if (retried(report.failures[owner])) for (const touch of touches[owner]) undelivered.add(touch);
    reports.push(report);
  }
  const of = (owner) => reports[reportOf[owner]];
  return {
    failures: plans.map((_, owner) => of(owner).failures[owner]),
    alreadyDelivered: plans.map((_, owner) => of(owner).alreadyDelivered[owner]),
    accepted: plans.map((_, owner) => of(owner).accepted[owner]),
    calls: reports.flatMap((report) => report.calls),
    unchangedAttributes: reports.reduce((sum, report) => sum + report.unchangedAttributes, 0),
    notices: [...new Set(reports.flatMap((report) => report.notices))],
    warnings: plans.map((_, owner) => of(owner).warnings[owner])
  };
}
function behindADelete(plans) {
  const behind = /* @__PURE__ */ new Set();
  const first2 = plans.findIndex((plan) => plan !== void 0 && plan.deletes.length > 0);
  if (first2 < 0) return behind;
  const touched = /* @__PURE__ */ new Set();
  for (let index = first2 + 1; index < plans.length; index++) {
    const plan = plans[index];
    if (!plan) continue;
    const touches = touchesOf(plan);
    const byOther = [...plan.attributes, ...plan.events, ...plan.purchases].some((object) => !byExternalId(object)) || plan.merges.some((merge) => !("external_id" in merge.identifier_to_merge));
    if (byOther || touches.some((touch) => touched.has(touch))) {
      behind.add(index);
      for (const touch of touches) touched.add(touch);
    }
  }
  return behind;
}
var BEHIND_A_DELETE = "An earlier event of the batch deletes a user, and this one writes to or merges a profile found by an alias, email, phone or braze_id (or follows such an event on its user), which Braze may give to the deleted user: it is retried, and goes through after the delete.";
var OUT_OF_TIME = "The invocation ran out of time before this event could be sent: it had to wait for an earlier event of the batch to reach Braze first.";
var HELD = "An earlier event of the batch on the same user, email or phone was not delivered: this one is retried with it, unsent.";
function unsent(plans, message) {
  return {
    failures: plans.map((plan) => plan ? [{ kind: "retry", message }] : []),
    alreadyDelivered: plans.map(() => false),
    accepted: plans.map(() => NOTHING),
    calls: [],
    unchangedAttributes: 0,
    notices: [],
    warnings: plans.map(() => [])
  };
}
async function deliverInOrder(plans, options, reusedIds) {
  const { connection } = options;
  const opened = await openMemory(connection.dataCenter.restHost, connection.apiKey);
  const limits = requestLimits(options.maxObjectsPerRequest);
  const contents = options.byContent ? contentsOf(plans) : void 0;
  const plan = planDelivery(plans, {
    limits,
    memory: opened?.memory,
    contents,
    skipUnchangedAttributes: options.skipUnchangedAttributes,
    reusedIds
  });
  const delivering = plans.flatMap(
    (event, owner) => event?.messageId !== void 0 && !plan.held.has(owner) && !plan.alreadyDelivered[owner] && !plan.duplicateOf.has(owner) ? [event.messageId] : []
  );
  const epochs = plans.map((event) => event?.epoch);
  const run = new Delivery(plan, options, limits, epochs, opened?.memory);
  opened?.memory.begin(delivering);
  try {
    await run.go();
    for (const [owner, first2] of plan.duplicateOf) {
      run.failures[owner] = run.failures[first2];
      plan.alreadyDelivered[owner] = plan.alreadyDelivered[first2];
    }
    plans.forEach((event, owner) => {
      const id = event?.messageId;
      if (!opened || id === void 0 || plan.alreadyDelivered[owner] || plan.duplicateOf.has(owner) || plan.held.has(owner)) return;
      if (plan.reusedIds.has(id)) opened.memory.forget(id);
      else {
        const refused = run.failures[owner].find((failure2) => failure2.objectRefused)?.message;
        opened.memory.remember(id, run.accepted[owner], run.failures[owner].length === 0, contents?.[owner], plan.cuts[owner], refused);
      }
    });
  } finally {
    opened?.memory.end(delivering);
    await opened?.keep();
  }
  return {
    failures: run.failures,
    alreadyDelivered: plan.alreadyDelivered,
    // Only a refusal's message reads it (handlers.ts): a delivered event gets none.
    accepted: plans.map((_, owner) => {
      const first2 = plan.duplicateOf.get(owner) ?? owner;
      return run.failures[first2].length === 0 ? NOTHING : /* @__PURE__ */ new Set([...plan.acceptedBefore[first2], ...run.accepted[first2]]);
    }),
    calls: run.calls,
    unchangedAttributes: plan.unchangedAttributes,
    notices: [...run.notices],
    warnings: plans.map((_, owner) => plan.warnings[plan.duplicateOf.get(owner) ?? owner])
  };
}
var Delivery = class {
  constructor(plan, options, limits, epochs, memory) {
    this.plan = plan;
    this.options = options;
    this.limits = limits;
    this.epochs = epochs;
    this.memory = memory;
    this.failures = plan.expected.map(() => []);
    this.accepted = plan.expected.map(() => /* @__PURE__ */ new Set());
    for (const [owner, message] of plan.rejected) this.fail(owner, "invalid", message);
    for (const [owner, reason] of plan.held) this.fail(owner, "retry", reason);
  }
  plan;
  options;
  limits;
  epochs;
  memory;
  failures;
  accepted;
  calls = [];
  /** What the user should know about this invocation as a whole (not about one event), once each. */
  notices = /* @__PURE__ */ new Set();
  /** Merged attribute objects Braze refused, to resend per event. */
  refused = [];
  /** The attributes objects Braze took, for the resend of refused ones (resendRefused). */
  taken = [];
  mergesSent = /* @__PURE__ */ new Set();
  /** The /users/merge requests sent: the profiles they name, and when they are answered. */
  mergeRuns = [];
  /** Round 2's /users/track requests (split events' later parts, resends): the profiles they write to, and when they are done. */
  writers = [];
  async go() {
    await Promise.all(this.plan.requests.map((request) => this.track(request)));
    const objectsOf = (bundles) => bundles.flatMap((part) => itemsOf(part).map(({ item: one }) => one.object));
    const refused = [...new Set(this.refused.flatMap((entry) => entry.owners))];
    const resending = refused.flatMap((owner) => this.plan.ownAttributes.get(owner) ?? []);
    const resent = refused.length > 0 ? this.write(resending, () => this.resendRefused(refused)) : Promise.resolve();
    const deferredOwners = new Set(this.plan.deferred.flatMap((bundle) => itemsOf(bundle).flatMap(({ item: one }) => one.owners)));
    const deferred = this.write(objectsOf(this.plan.deferred), async () => {
      await resent;
      await this.secondRound();
    });
    const resentTo = new Set(profilesWritten(resending));
    for (const chain of this.plan.chains) {
      const objects = objectsOf(chain.parts);
      const waitsForResend = refused.includes(chain.owner) || profilesWritten(objects).some((profile) => resentTo.has(profile));
      this.write(objects, async () => {
        await (deferredOwners.has(chain.owner) ? deferred : waitsForResend ? resent : void 0);
        await this.chain(chain);
      });
    }
    await Promise.all([
      this.merges(),
      ...this.writers.map((writer) => writer.finished),
      ...this.plan.deletes.map((request) => this.delete(request))
    ]);
    for (const [owner, message] of this.plan.refusedBefore)
      if (this.failures[owner].length === 0) this.fail(owner, "reject", `${message} (in an earlier attempt)`);
    for (const owner of this.mergesLeftBehind()) {
      const message = "The merge of an earlier profile could not be sent in this invocation.";
      if (this.ready(owner)) this.failMerge(owner, "retry", message);
      else this.fail(owner, "retry", message);
    }
  }
  /** The events not failed (yet) whose merge was not sent: once nothing can send it any more, go() retries them. */
  mergesLeftBehind() {
    const owners = /* @__PURE__ */ new Set();
    for (const merge of this.plan.merges)
      if (!this.mergesSent.has(merge.key)) {
        for (const owner of merge.owners) if (this.failures[owner].length === 0) owners.add(owner);
      }
    return owners;
  }
  fail(owner, kind, message) {
    this.failures[owner].push({ kind, message });
  }
  timeLeft() {
    return this.options.connection.deadline - Date.now();
  }
  async call(path2, body) {
    const started = Date.now();
    const outcome = await callBraze(path2, body, this.options.connection);
    this.calls.push({ path: path2, body, outcome, ms: Date.now() - started });
    return outcome;
  }
  /**
   * Whether a follow-up request may start. One that only sets attribute values, which Braze may take twice
   * to no harm (no increment, no edit of an array of objects), needs only FOLLOW_UP_MIN_MS.
   */
  timeForFollowUp(repeatable = false) {
    if (repeatable) return this.timeLeft() >= FOLLOW_UP_MIN_MS;
    return timeForFollowUp(this.options.connection.deadline, slowestOf(this.calls, this.options.slowestCallMs));
  }
  /** `mayResend`: a request Braze refuses whole (no object named) is sent again one user at a time (resendPerUser). */
  async track(request, mayResend = true) {
    if (this.memory)
      for (const profile of profilesWritten(itemsOf(request).map(({ item: one }) => one.object))) this.memory.forgetMerge(profile);
    const values = this.valuesSent(request.attributes.map(({ object }) => object));
    let taken = /* @__PURE__ */ new Set();
    let tooLong = false;
    let refusedWhole;
    try {
      const outcome = await this.call("/users/track", bodyOf(request));
      tooLong = isInputTooLong(outcome) && sizeOf(request).total > MAX_COMBINED_OBJECTS_MAU;
      if (!tooLong && mayResend && outcome.kind === "reject" && usersOf(request).length > 1) refusedWhole = outcome;
      else if (!tooLong) taken = this.charge(itemsOf(request), outcome);
    } finally {
      values?.answered(taken);
    }
    if (tooLong) await this.resendSmaller(request);
    else if (refusedWhole) await this.resendPerUser(request, refusedWhole);
  }
  /**
   * Braze refused a whole request without naming an object (a 400 "Bad Request", a 413), and so took none of it:
   * one user's objects may be the cause, and the other users' must not be refused with them (design: no contagion).
   * Each user's objects go again in a request of their own, at once; only what Braze refuses alone is rejected.
   * As for merges and deletes (merge, sendDelete).
   */
  async resendPerUser(request, outcome) {
    if (!this.timeForFollowUp()) {
      this.charge(itemsOf(request), outcome);
      return;
    }
    await Promise.all(usersOf(request).map((user) => this.track(user, false)));
  }
  /**
   * Braze took nothing of a request it found too long: some contracts may still take 50 objects, not 75
   * (braze-limits.ts). Sent again in requests of 50, at the cost
   * of a round trip that maxObjectsPerRequest 50 saves; a lane stops at its first failure, since
   * what follows may depend on it (an alias's purchases on the attributes that create its profile).
   */
  async resendSmaller(request) {
    const hint = `set the maxObjectsPerRequest setting to ${MAX_COMBINED_OBJECTS_MAU}`;
    const why = `Braze refused a request of ${sizeOf(request).total} objects as too long (${MAX_INPUT_LENGTH_MESSAGE})`;
    const retryAll = (requests, message) => {
      for (const { item: one } of requests.flatMap(itemsOf)) for (const owner of one.owners) this.fail(owner, "retry", message);
    };
    if (!this.timeForFollowUp()) {
      this.notices.add(`${why}; ${hint}.`);
      return retryAll([request], `${why}, and no time was left to send it again in smaller requests; ${hint}.`);
    }
    const { lanes, unsendable } = smallerRequests(request, requestLimits(MAX_COMBINED_OBJECTS_MAU));
    const again = unsendable.length === 0 ? `it was sent again in requests of ${MAX_COMBINED_OBJECTS_MAU}; ${hint} to save that round trip` : lanes.length > 0 ? `what fits requests of ${MAX_COMBINED_OBJECTS_MAU} was sent again, and the events with more objects in one part than that were refused; ${hint}` : `its events have more objects in one part than requests of ${MAX_COMBINED_OBJECTS_MAU} hold, and were refused; ${hint}`;
    this.notices.add(`${why}: ${again}.`);
    for (const { item: one } of unsendable.flatMap(itemsOf))
      for (const owner of one.owners)
        this.fail(owner, "reject", `Braze refused this event's objects as too many for one request (${MAX_INPUT_LENGTH_MESSAGE}): ${hint}.`);
    await Promise.all(
      lanes.map(async (lane) => {
        for (const [index, smaller] of lane.entries()) {
          if (index > 0 && !this.timeForFollowUp())
            return retryAll(lane.slice(index), `${why}; no time was left to send the rest of it again.`);
          const owners = [...new Set(itemsOf(smaller).flatMap(({ item: one }) => one.owners))];
          const before = owners.map((owner) => this.failures[owner].length);
          await this.track(smaller);
          if (index < lane.length - 1 && owners.some((owner, i) => this.failures[owner].length > before[i]))
            return retryAll(lane.slice(index + 1), `${why}; a smaller request before this one's did not go through.`);
        }
      })
    );
  }
  /** Braze's answer to a /users/track request, charged to the events behind its objects. Returns the attributes objects Braze took. */
  charge(items, outcome) {
    if (outcome.kind !== "accepted") {
      for (const { item: item2 } of items) for (const owner of item2.owners) this.fail(owner, outcome.kind, outcome.message);
      return /* @__PURE__ */ new Set();
    }
    const acceptedAttributes = /* @__PURE__ */ new Set();
    const rejected = new Map(outcome.rejected.map((entry) => [`${entry.array}:${entry.index}`, entry.message]));
    const positions = { attributes: 0, events: 0, purchases: 0 };
    for (const { array, item: item2 } of items) {
      const position = `${array}:${positions[array]++}`;
      const message = rejected.get(position);
      rejected.delete(position);
      if (message === void 0 && outcome.tookNone) {
        for (const owner of item2.owners)
          this.fail(owner, "retry", `${outcome.tookNone}; it named other objects of this request, not this event's, and took none of it.`);
      } else if (message === void 0) {
        for (const owner of item2.owners) this.accepted[owner].add(item2.part);
        if (array === "attributes") {
          acceptedAttributes.add(item2.object);
          this.taken.push(item2);
        }
      } else if (array === "attributes" && item2.owners.length > 1) {
        this.refused.push({ owners: item2.owners, message });
      } else {
        const refusal = `Braze rejected the ${array === "attributes" ? "attributes" : array.slice(0, -1)} object: ${message}`;
        for (const owner of item2.owners) this.failures[owner].push({ kind: "reject", message: refusal, objectRefused: true });
      }
    }
    const unattributed = [
      ...outcome.unattributed,
      ...[...rejected].map(([position, message]) => `${message} (${position}, which this request did not have)`)
    ];
    if (unattributed.length > 0) {
      const message = `Braze reported errors for /users/track that name no object it was sent: ${unattributed.slice(0, 3).join("; ")}`;
      for (const owner of new Set(items.flatMap(({ item: item2 }) => item2.owners))) this.fail(owner, "reject", message);
    }
    return unattributed.length > 0 ? /* @__PURE__ */ new Set() : acceptedAttributes;
  }
  /** For skipUnchangedAttributes: tells the memory which attribute values go out, and then which Braze took. */
  valuesSent(objects) {
    if (!this.options.skipUnchangedAttributes) this.memory?.forgetEveryValue();
    const memory = this.options.skipUnchangedAttributes ? this.memory : void 0;
    if (!memory || objects.length === 0) return void 0;
    const byUser = objects.filter(byExternalId);
    for (const object of byUser) memory.sendingValues(identityKey(object), Object.keys(object));
    for (const object of objects) if (!byExternalId(object)) memory.writtenElsewhere(attributeNames(object));
    return {
      answered(accepted) {
        for (const object of byUser) {
          const remembered = accepted.has(object) && object._update_existing_only !== true;
          memory.sentValues(identityKey(object), remembered ? valuesOf(object) : void 0);
        }
      }
    };
  }
  async delete(request) {
    await Promise.all(this.writers.map((writer) => writer.finished));
    const users = request.targets.map((target) => target.user);
    const merging = this.mergeRuns.filter(({ profiles }) => [...profiles.away, ...profiles.kept].some((profile) => users.includes(profile)));
    await Promise.all(merging.map((run) => run.finished));
    const retrying = [...this.mergesLeftBehind()].filter((owner) => !(this.ready(owner) && this.plan.bestEffortMerges.has(owner)));
    const retriedProfiles = this.retriedProfiles(retrying);
    const [held, going] = partition(request.targets, (target) => retriedProfiles.has(target.user));
    for (const target of held)
      for (const owner of target.owners)
        this.fail(
          owner,
          "retry",
          "An earlier event of the batch on this user is retried: the delete is retried with it, so that it goes after it."
        );
    if (going.length === 0) return;
    if (request.field === "user_aliases") this.memory?.forgetEveryValue();
    for (const { user } of going) {
      if (request.field === "external_ids") this.memory?.forgetValues(user);
      this.memory?.forgetMerge(user);
    }
    await this.sendDelete(request.field, going, true);
  }
  async sendDelete(field2, targets, mayResend) {
    const outcome = await this.call("/users/delete", { [field2]: targets.map((target) => target.value) });
    if (outcome.kind === "accepted") return;
    if (outcome.kind === "reject" && targets.length > 1 && mayResend && this.timeLeft() > 0) {
      await Promise.all(targets.map((target) => this.sendDelete(field2, [target], false)));
      return;
    }
    for (const owner of new Set(targets.flatMap((target) => target.owners))) this.fail(owner, outcome.kind, outcome.message);
  }
  /**
   * Runs a round-2 writer of these objects' profiles; once it is done, the merges that waited for it may
   * go. Returns when the work (not those merges) is done.
   */
  write(objects, work) {
    const writer = { profiles: new Set(profilesWritten(objects)), finished: Promise.resolve(), done: false };
    this.writers.push(writer);
    const done = work().finally(() => writer.done = true);
    writer.finished = done.then(() => this.merges());
    return done;
  }
  /** The events' first parts that waited for the first round: those of events still whole go, at once. */
  async secondRound() {
    if (this.plan.deferred.length === 0) return;
    const waiting = (owner) => this.failures[owner].length === 0;
    if (!this.timeForFollowUp()) {
      for (const owner of new Set(this.plan.deferred.flatMap((bundle) => itemsOf(bundle).flatMap(({ item: one }) => one.owners))))
        if (waiting(owner))
          this.fail(
            owner,
            "retry",
            "The invocation ran out of time before this event could follow the attributes it needs; Braze has none of its events or purchases."
          );
      return;
    }
    await Promise.all(
      this.plan.deferred.map((bundle) => {
        const kept = emptyBundle();
        for (const { array, item: one } of itemsOf(bundle)) if (one.owners.every(waiting)) kept[array].push(one);
        return sizeOf(kept).total > 0 ? this.track(kept) : Promise.resolve();
      })
    );
  }
  /**
   * Profiles that events Segment will retry write to. A merge or delete of one waits for them: sent now,
   * the retried write would create the profile again after it (alone, or as a user deleted).
   */
  retriedProfiles(alsoRetried = []) {
    const out = /* @__PURE__ */ new Set();
    this.plan.profiles.forEach((profiles, owner) => {
      if (retried(this.failures[owner])) for (const profile of profiles) out.add(profile);
    });
    for (const owner of alsoRetried) for (const profile of this.plan.profiles[owner]) out.add(profile);
    return out;
  }
  /** The writers not done yet that write to any of these profiles. */
  writersTo(profiles) {
    return this.writers.filter((writer) => !writer.done && profiles.some((profile) => writer.profiles.has(profile)));
  }
  /**
   * The later parts of a split event, one after another: a part is sent only once the one before it was
   * answered. What Braze refused (the event's 400) does not stop the rest: the event ends rejected, never
   * sent again, so what else it carries is delivered now or never (a redelivery sends it too: refusedBefore).
   */
  async chain({ owner, parts }) {
    for (const part of parts) {
      if (this.failures[owner].some((failure2) => failure2.kind !== "reject")) return;
      if (!this.timeForFollowUp()) {
        const number = Math.min(...itemsOf(part).map(({ item: one }) => typeof one.part === "number" ? one.part : 0)) + 1;
        return this.fail(
          owner,
          "retry",
          `The invocation ran out of time before part ${number} of this event; Braze has what came before it.`
        );
      }
      await this.track(part);
    }
  }
  /** Each event whose merged attributes Braze refused gets its own attributes resent, unmerged. */
  async resendRefused(owners) {
    const repeatable = owners.every(
      (owner) => (this.plan.ownAttributes.get(owner) ?? []).every(
        (object) => attributeNames(object).every(
          (name) => isArrayEdit(object[name]) || replaces(object[name])
        )
      )
    );
    if (!this.timeForFollowUp(repeatable)) {
      for (const { owners: behind, message } of this.refused) {
        for (const owner of behind)
          this.fail(
            owner,
            "retry",
            `Braze refused this user's merged attributes (${message}); no time was left to resend them one event at a time.`
          );
      }
      return;
    }
    const rank = timeRanks(this.epochs);
    const ordered = [...owners].sort((a, b) => rank[a] - rank[b]);
    const latest = /* @__PURE__ */ new Map();
    for (const { object, owners: behind } of this.taken) {
      const user = identityKey(object);
      const names2 = latest.get(user) ?? /* @__PURE__ */ new Map();
      latest.set(user, names2);
      for (const owner of behind)
        for (const own of this.plan.ownAttributes.get(owner) ?? [])
          if (identityKey(own) === user) {
            for (const name of attributeNames(own))
              if (replaces(own[name])) names2.set(name, Math.max(names2.get(name) ?? -1, rank[owner]));
          }
    }
    const atoms = ordered.flatMap((owner) => {
      const atom = emptyBundle();
      for (const object of this.plan.ownAttributes.get(owner) ?? []) {
        const kept = withoutOlderValues(object, latest.get(identityKey(object)), rank[owner]);
        if (kept) atom.attributes.push(item(kept, [owner], "attributes"));
      }
      if (atom.attributes.length === 0) this.accepted[owner].add("attributes");
      return atom.attributes.length > 0 ? [atom] : [];
    });
    const requests = packInOrder(atoms, this.limits);
    for (const [index, request] of requests.entries()) {
      if (index > 0 && !this.timeForFollowUp(repeatable)) {
        for (const later of requests.slice(index))
          for (const { item: one } of itemsOf(later))
            for (const owner of one.owners)
              this.fail(
                owner,
                "retry",
                "Braze refused this user's merged attributes; no time was left to resend them all one event at a time."
              );
        return;
      }
      await this.track(request);
    }
  }
  /** An event is ready to merge when Braze accepted every part it sent in this invocation. */
  ready(owner) {
    if (this.failures[owner].length > 0) return false;
    for (const part of this.plan.expected[owner]) if (!this.accepted[owner].has(part)) return false;
    return true;
  }
  /**
   * Sends the merges that have a ready owner and were not sent yet, unless one waits for a writer of
   * its profiles or for an earlier merge it depends on that has yet to go (merge-order.ts).
   */
  async merges() {
    const due = [];
    const held = { away: [], kept: [] };
    const retriedProfiles = this.retriedProfiles();
    for (const merge of this.plan.merges) {
      if (this.mergesSent.has(merge.key)) continue;
      const profiles = profilesOf([merge.object]);
      const go = merge.owners.some((owner) => this.ready(owner)) && this.writersTo([...profiles.away, ...profiles.kept]).length === 0 && !profiles.away.some((profile) => retriedProfiles.has(profile)) && !dependsOn(merge.object, held);
      if (go) {
        due.push(merge);
        this.mergesSent.add(merge.key);
      } else if (merge.owners.some((owner) => this.failures[owner].length === 0)) {
        held.away.push(...profiles.away);
        held.kept.push(...profiles.kept);
      }
    }
    const earlier = [...this.mergeRuns];
    let previous = Promise.resolve();
    for (const wave of mergeWaves(due)) {
      const waits = earlier.filter((run) => wave.some((merge) => dependsOn(merge.object, run.profiles))).map((run) => run.finished);
      const start = Promise.all([previous, ...waits]);
      const runs = chunked(wave, MAX_USERS_ENTRIES_PER_REQUEST).map((chunk) => {
        const run = { profiles: profilesOf(chunk.map((entry) => entry.object)), finished: start.then(() => this.merge(chunk, true)) };
        this.mergeRuns.push(run);
        return run.finished;
      });
      previous = Promise.all(runs);
    }
    await previous;
  }
  async merge(chunk, mayResend) {
    const merged = chunk.map((entry) => profileKey(entry.object.identifier_to_merge));
    for (const [index, entry] of chunk.entries()) {
      this.memory?.forgetValues(identityKey(entry.object.identifier_to_merge));
      this.memory?.mergeSending(merged[index]);
    }
    const outcome = await this.call("/users/merge", { merge_updates: chunk.map((entry) => entry.object) });
    chunk.forEach((entry, index) => this.memory?.mergeAnswered(merged[index], outcome.kind === "accepted" ? entry.key : void 0));
    if (outcome.kind === "accepted") return;
    if (outcome.kind === "reject" && chunk.length > 1 && mayResend && this.timeLeft() > 0) {
      await Promise.all(chunk.map((entry) => this.merge([entry], false)));
      return;
    }
    for (const entry of chunk) for (const owner of entry.owners) this.failMerge(owner, outcome.kind, outcome.message);
  }
  /** A best-effort merge (plan.ts, mergesBestEffort) that failed is said once, and its event stays delivered. */
  failMerge(owner, kind, message) {
    if (!this.plan.bestEffortMerges.has(owner)) return this.fail(owner, kind, message);
    this.notices.add(
      `An earlier profile could not be merged into the user an Engage track names (${message}); the track is not retried for it, which would log its event again: the next identify or Engage call merges it.`
    );
  }
};
var retried = (failures) => failures.some((failure2) => failure2.kind === "retry");
function withoutOlderValues(object, latest, rank) {
  const older = latest ? attributeNames(object).filter((name) => (latest.get(name) ?? -1) > rank) : [];
  if (older.length === 0) return object;
  const kept = { ...object };
  for (const name of older) delete kept[name];
  return attributeNames(kept).length > 0 ? kept : void 0;
}
var replaces = (value) => value === null || isPlainValue(value);
function partition(items, test) {
  return [items.filter(test), items.filter((item2) => !test(item2))];
}
function worstFailure(failures) {
  if (failures.length === 0) return void 0;
  const kind = ["retry", "reject", "invalid"].find((worst) => failures.some((failure2) => failure2.kind === worst));
  const messages = [...new Set(failures.map((failure2) => failure2.message))];
  const shown = messages.slice(0, 3).join(" | ");
  return { kind, message: messages.length > 3 ? `${shown} | and ${messages.length - 3} more` : shown };
}
function valuesOf(object) {
  const merges = object._merge_objects === true;
  return Object.entries(object).map(([key, value]) => [
    key,
    isPlainValue(value) && !(merges && isDict(value)) ? JSON.stringify(value) : void 0
  ]);
}
function contentsOf(plans) {
  return plans.map((plan) => plan?.messageId === void 0 || plan.epoch === void 0 ? void 0 : fingerprint(JSON.stringify(plan)));
}
function isInputTooLong(outcome) {
  if (outcome.kind !== "reject" || outcome.status !== 400) return false;
  return outcome.brazeMessage?.trim().toLowerCase() === MAX_INPUT_LENGTH_MESSAGE.toLowerCase();
}

// src/destination/errors.ts
var SEGMENT_ERROR_KINDS = [
  "ValidationError",
  "InvalidEventPayload",
  "EventNotSupported",
  "RetryError"
];
var localClasses = {
  ValidationError: class ValidationError2 extends Error {
    name = "ValidationError";
  },
  InvalidEventPayload: class InvalidEventPayload2 extends Error {
    name = "InvalidEventPayload";
  },
  EventNotSupported: class EventNotSupported2 extends Error {
    name = "EventNotSupported";
  },
  RetryError: class RetryError2 extends Error {
    name = "RetryError";
  }
};
function runtimeClass(kind) {
  switch (kind) {
    case "ValidationError":
      return typeof ValidationError === "undefined" ? void 0 : ValidationError;
    case "InvalidEventPayload":
      return typeof InvalidEventPayload === "undefined" ? void 0 : InvalidEventPayload;
    case "EventNotSupported":
      return typeof EventNotSupported === "undefined" ? void 0 : EventNotSupported;
    case "RetryError":
      return typeof RetryError === "undefined" ? void 0 : RetryError;
  }
}
function segmentErrorClass(kind) {
  const provided = runtimeClass(kind);
  return typeof provided === "function" ? provided : localClasses[kind];
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
function memberships(values, context, extraKey, eligible = () => true) {
  const candidates = [context.computationKey, typeof extraKey === "string" ? extraKey : void 0];
  for (const key of candidates) {
    if (key === void 0 || badKey(key, false) !== void 0 || !eligible(key)) continue;
    const value = membershipValue(field(values, key));
    if (value !== void 0) return [[key, value]];
  }
  if (context.computationClass === "journey_step") return [];
  const found = [];
  for (const key of Object.keys(values)) {
    if (badKey(key, false) !== void 0 || !eligible(key)) continue;
    const value = membershipValue(values[key]);
    if (value !== void 0) found.push([key, value]);
  }
  const prefix = context.computationKey === void 0 ? void 0 : `${context.computationKey}__`;
  const stepKeys = prefix === void 0 ? [] : found.filter(([key]) => key.startsWith(prefix));
  if (stepKeys.length === 1) return stepKeys;
  return found.length === 1 ? found : [];
}
function isExit(memberships2) {
  return memberships2.length > 0 && memberships2.every(([, member]) => !member);
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
  ["context", "integrations", "Braze", "braze_id"],
  ["context", "integrations", "Appboy", "braze_id"],
  ["context", "traits", "braze_id"],
  ["traits", "braze_id"],
  ["properties", "braze_id"]
];
function first(event, paths, usable = nonBlank) {
  for (const keys of userPaths(event, paths)) {
    const value = usable(path(event, ...keys));
    if (value !== void 0) return value;
  }
  return void 0;
}
function aliasFor(anonymousId, settings) {
  return settings.anonymousAliasLabel ? { user_alias: { alias_name: anonymousId, alias_label: settings.anonymousAliasLabel } } : void 0;
}
function resolveIdentifier(event, settings) {
  const userId = nonBlank(event.userId);
  if (userId !== void 0) return externalIdProblem(userId, "userId") ?? { external_id: userId };
  const brazeId = first(event, BRAZE_ID_PATHS);
  if (brazeId !== void 0) return { braze_id: brazeId };
  const anonymousId = nonBlank(event.anonymousId);
  const alias = anonymousId === void 0 ? void 0 : aliasFor(anonymousId, settings);
  if (alias) return alias;
  const email = first(event, CONTACT_PATHS.email, validEmail);
  if (email !== void 0) return { email };
  const phone = first(event, CONTACT_PATHS.phone, validPhone);
  if (phone !== void 0) return { phone };
  const unusable = ["email", "phone"].find((kind) => first(event, CONTACT_PATHS[kind]) !== void 0);
  return problem("ValidationError", missingIdentifierMessage(anonymousId !== void 0, settings.anonymousAliasLabel, unusable));
}
function externalIdProblem(id, field2) {
  const bytes = utf8Length(id);
  if (bytes <= MAX_EXTERNAL_ID_BYTES) return void 0;
  return problem(
    "InvalidEventPayload",
    `The ${field2} is ${bytes} bytes long; Braze takes an external_id of at most ${MAX_EXTERNAL_ID_BYTES} bytes (UTF-8).`
  );
}
function updateExistingOnlyFlag(identifier, settings) {
  if ("user_alias" in identifier) return settings.updateExistingOnly;
  if ("braze_id" in identifier) return void 0;
  return settings.updateExistingOnly ? true : void 0;
}
var LEAD_PRIORITIZATION = ["unidentified", "least_recently_updated"];
function earlierProfiles(event, externalId, contact, settings) {
  const keep = { external_id: externalId };
  const merges = [];
  const anonymousId = nonBlank(event.anonymousId);
  const alias = anonymousId === void 0 ? void 0 : aliasFor(anonymousId, settings);
  if (alias && "user_alias" in alias) merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep });
  if (typeof contact.email === "string") {
    merges.push({ identifier_to_merge: { email: contact.email, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep });
  }
  if (typeof contact.phone === "string") {
    merges.push({ identifier_to_merge: { phone: contact.phone, prioritization: LEAD_PRIORITIZATION }, identifier_to_keep: keep });
  }
  return merges;
}
function missingIdentifierMessage(hasAnonymousId, aliasLabel, unusable) {
  const contact = unusable ? `, and its ${unusable} is not one Braze accepts` : "";
  if (hasAnonymousId)
    return `Braze needs an identified user, but this event has only an anonymousId${contact}. Send the event with a userId (Braze external_id), or set the "anonymousAliasLabel" setting (Anonymous Alias Label) to send anonymous users to Braze as user aliases.`;
  const alias = aliasLabel ? 'with an anonymousId, which the "anonymousAliasLabel" setting sends to Braze as a user alias' : 'with an anonymousId and the "anonymousAliasLabel" setting (Anonymous Alias Label), to send it to Braze as a user alias';
  const has = unusable ? `no userId, anonymousId or braze_id${contact}` : "no userId, anonymousId, braze_id, email or phone";
  return `Braze needs an identified user, but this event has ${has}. Send the event with a userId (Braze external_id), or ${alias}.`;
}

// src/destination/countries.ts
var CODES = "ADANDAEAREAFAFGAGATGAIAIAALALBAMARMAOAGOAQATAARARGASASMATAUTAUAUSAWABWAXALAAZAZEBABIHBBBRBBDBGDBEBELBFBFABGBGRBHBHRBIBDIBJBENBLBLMBMBMUBNBRNBOBOLBQBESBRBRABSBHSBTBTNBVBVTBWBWABYBLRBZBLZCACANCCCCKCDCODCFCAFCGCOGCHCHECICIVCKCOKCLCHLCMCMRCNCHNCOCOLCRCRICUCUBCVCPVCWCUWCXCXRCYCYPCZCZEDEDEUDJDJIDKDNKDMDMADODOMDZDZAECECUEEESTEGEGYEHESHERERIESESPETETHFIFINFJFJIFKFLKFMFSMFOFROFRFRAGAGABGBGBRGDGRDGEGEOGFGUFGGGGYGHGHAGIGIBGLGRLGMGMBGNGINGPGLPGQGNQGRGRCGSSGSGTGTMGUGUMGWGNBGYGUYHKHKGHMHMDHNHNDHRHRVHTHTIHUHUNIDIDNIEIRLILISRIMIMNININDIOIOTIQIRQIRIRNISISLITITAJEJEYJMJAMJOJORJPJPNKEKENKGKGZKHKHMKIKIRKMCOMKNKNAKPPRKKRKORKWKWTKYCYMKZKAZLALAOLBLBNLCLCALILIELKLKALRLBRLSLSOLTLTULULUXLVLVALYLBYMAMARMCMCOMDMDAMEMNEMFMAFMGMDGMHMHLMKMKDMLMLIMMMMRMNMNGMOMACMPMNPMQMTQMRMRTMSMSRMTMLTMUMUSMVMDVMWMWIMXMEXMYMYSMZMOZNANAMNCNCLNENERNFNFKNGNGANINICNLNLDNONORNPNPLNRNRUNUNIUNZNZLOMOMNPAPANPEPERPFPYFPGPNGPHPHLPKPAKPLPOLPMSPMPNPCNPRPRIPSPSEPTPRTPWPLWPYPRYQAQATREREUROROURSSRBRURUSRWRWASASAUSBSLBSCSYCSDSDNSESWESGSGPSHSHNSISVNSJSJMSKSVKSLSLESMSMRSNSENSOSOMSRSURSSSSDSTSTPSVSLVSXSXMSYSYRSZSWZTCTCATDTCDTFATFTGTGOTHTHATJTJKTKTKLTLTLSTMTKMTNTUNTOTONTRTURTTTTOTVTUVTWTWNTZTZAUAUKRUGUGAUMUMIUSUSAUYURYUZUZBVAVATVCVCTVEVENVGVGBVIVIRVNVNMVUVUTWFWLFWSWSMYEYEMYTMYTZAZAFZMZMBZWZWE";
var ALIASES = "united states of america:US|america:US|great britain:GB|england:GB|scotland:GB|wales:GB|northern ireland:GB|turkey:TR|ivory coast:CI|czech republic:CZ|democratic republic of congo:CD|dr congo:CD|republic of congo:CG|macedonia:MK|republic of north macedonia:MK|swaziland:SZ|cabo verde:CV|east timor:TL|holy see:VA|republic of korea:KR|korea republic of:KR|russian federation:RU|viet nam:VN|holland:NL|uae:AE|state of palestine:PS|peoples republic of china:CN|taiwan province of china:TW|islamic republic of iran:IR|united republic of tanzania:TZ|pitcairn:PN|brunei darussalam:BN|syrian arab republic:SY|republic of gambia:GM|lao peoples democratic republic:LA|virgin islands british:VG|virgin islands us:VI|united states minor outlying islands:UM|bonaire sint eustatius and saba:BQ|heard island and mcdonald islands:HM|south georgia and south sandwich islands:GS|macau:MO|united kingdom of great britain and northern ireland:GB|congo the democratic republic of the:CD|korea democratic peoples republic of:KP|congo:CG";
var alpha2;
var alpha3;
var names;
function codes() {
  if (!alpha2 || !alpha3) {
    alpha2 = /* @__PURE__ */ new Set();
    alpha3 = /* @__PURE__ */ new Map();
    for (let at = 0; at < CODES.length; at += 5) {
      alpha2.add(CODES.slice(at, at + 2));
      alpha3.set(CODES.slice(at + 2, at + 5), CODES.slice(at, at + 2));
    }
  }
  return { alpha2, alpha3 };
}
function normalizeName(name) {
  return name.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/&/g, " and ").replace(/['\u2019.]/g, "").replace(/[^a-z0-9]+/g, " ").replace(/\bthe\b/g, " ").replace(/\bst\b/g, "saint").replace(/\s+/g, " ").trim();
}
function nameTable() {
  if (names) return names;
  names = /* @__PURE__ */ new Map();
  const add = (name, code) => {
    if (name) names.set(normalizeName(name), code);
  };
  const DisplayNames = typeof Intl === "object" ? Intl.DisplayNames : void 0;
  if (DisplayNames) {
    for (const style of ["long", "short"]) {
      const display = new DisplayNames(["en"], { type: "region", style });
      for (const code of codes().alpha2) {
        const name = display.of(code);
        add(name, code);
        const parts = name && /^(.*) \((.*)\)$/.exec(name);
        if (parts) for (const part of parts.slice(1)) add(part, code);
      }
    }
  }
  for (const entry of ALIASES.split("|")) {
    const [name, code] = entry.split(":");
    add(name, code);
  }
  return names;
}
var MAX_COUNTRY_TEXT = 100;
function toCountryCode(value) {
  if (value.length > MAX_COUNTRY_TEXT) return void 0;
  const trimmed = value.trim();
  const code = trimmed.replace(/\./g, "").toUpperCase();
  const { alpha2: two, alpha3: three } = codes();
  if (code.length === 2 && two.has(code)) return code;
  if (code.length === 3 && three.has(code)) return three.get(code);
  const table = nameTable();
  const before = (mark) => trimmed.includes(mark) ? trimmed.slice(0, trimmed.indexOf(mark)).trimEnd() : trimmed;
  for (const name of [trimmed, before("("), before(",")]) {
    const found = table.get(normalizeName(name));
    if (found) return found;
  }
  return void 0;
}

// src/destination/languages.ts
var CODES2 = "en af agq ak sq am ar hy as ay az ksf bas eu be bem bn bez bs br bg my km ca tzm chr cgg zh swc kw hr cs da dav dua nl dz guz et eo ewo ee fo fa fil fi fr gl lg ka de gsw el kl gn gu ha haw he hi hu is ig id iu ga it jv ja dyo kab kln kam kn ks kk ebu ki rw ky ko ku lo la lv ln lt lu lb luo luy jmc mk mg ms ml mt gv mr mas mer mo mn mfe mua naq ne nd nb nus nyn nn om ps ff pl pt pa qu rm ro rof ru rwk saq se sbp sa gd sr seh ksb sn ii sd si sk sl so es sw sv shi tl tg ta twq tt te teo th bo ti to tr tk ug uk ur uz vai vi vun cy xh yav yi yo dje zu";
var ALIASES2 = { no: "nb", iw: "he", in: "id", ji: "yi" };
var supported;
function languageCode(value) {
  const primary = /^([a-z]{2,3})(?:[-_]|$)/i.exec(value.trim())?.[1].toLowerCase();
  if (primary === void 0) return void 0;
  supported ??= new Set(CODES2.split(" "));
  const code = Object.prototype.hasOwnProperty.call(ALIASES2, primary) ? ALIASES2[primary] : primary;
  return supported.has(code) ? code : void 0;
}

// src/destination/rails-time-zones.ts
var RAILS_TIME_ZONES = {
  "International Date Line West": "Pacific/Midway",
  "Midway Island": "Pacific/Midway",
  "American Samoa": "Pacific/Pago_Pago",
  Hawaii: "Pacific/Honolulu",
  Alaska: "America/Juneau",
  "Pacific Time (US & Canada)": "America/Los_Angeles",
  Tijuana: "America/Tijuana",
  "Mountain Time (US & Canada)": "America/Denver",
  Arizona: "America/Phoenix",
  Chihuahua: "America/Chihuahua",
  Mazatlan: "America/Mazatlan",
  "Central Time (US & Canada)": "America/Chicago",
  Saskatchewan: "America/Regina",
  Guadalajara: "America/Mexico_City",
  "Mexico City": "America/Mexico_City",
  Monterrey: "America/Monterrey",
  "Central America": "America/Guatemala",
  "Eastern Time (US & Canada)": "America/New_York",
  "Indiana (East)": "America/Indiana/Indianapolis",
  Bogota: "America/Bogota",
  Lima: "America/Lima",
  Quito: "America/Lima",
  "Atlantic Time (Canada)": "America/Halifax",
  Caracas: "America/Caracas",
  "La Paz": "America/La_Paz",
  Santiago: "America/Santiago",
  Newfoundland: "America/St_Johns",
  Brasilia: "America/Sao_Paulo",
  "Buenos Aires": "America/Argentina/Buenos_Aires",
  Montevideo: "America/Montevideo",
  Georgetown: "America/Guyana",
  "Puerto Rico": "America/Puerto_Rico",
  Greenland: "America/Godthab",
  "Mid-Atlantic": "Atlantic/South_Georgia",
  Azores: "Atlantic/Azores",
  "Cape Verde Is.": "Atlantic/Cape_Verde",
  Dublin: "Europe/Dublin",
  Edinburgh: "Europe/London",
  Lisbon: "Europe/Lisbon",
  London: "Europe/London",
  Casablanca: "Africa/Casablanca",
  Monrovia: "Africa/Monrovia",
  UTC: "Etc/UTC",
  Belgrade: "Europe/Belgrade",
  Bratislava: "Europe/Bratislava",
  Budapest: "Europe/Budapest",
  Ljubljana: "Europe/Ljubljana",
  Prague: "Europe/Prague",
  Sarajevo: "Europe/Sarajevo",
  Skopje: "Europe/Skopje",
  Warsaw: "Europe/Warsaw",
  Zagreb: "Europe/Zagreb",
  Brussels: "Europe/Brussels",
  Copenhagen: "Europe/Copenhagen",
  Madrid: "Europe/Madrid",
  Paris: "Europe/Paris",
  Amsterdam: "Europe/Amsterdam",
  Berlin: "Europe/Berlin",
  Bern: "Europe/Zurich",
  Zurich: "Europe/Zurich",
  Rome: "Europe/Rome",
  Stockholm: "Europe/Stockholm",
  Vienna: "Europe/Vienna",
  "West Central Africa": "Africa/Algiers",
  Bucharest: "Europe/Bucharest",
  Cairo: "Africa/Cairo",
  Helsinki: "Europe/Helsinki",
  Kyiv: "Europe/Kiev",
  Riga: "Europe/Riga",
  Sofia: "Europe/Sofia",
  Tallinn: "Europe/Tallinn",
  Vilnius: "Europe/Vilnius",
  Athens: "Europe/Athens",
  Istanbul: "Europe/Istanbul",
  Minsk: "Europe/Minsk",
  Jerusalem: "Asia/Jerusalem",
  Harare: "Africa/Harare",
  Pretoria: "Africa/Johannesburg",
  Kaliningrad: "Europe/Kaliningrad",
  Moscow: "Europe/Moscow",
  "St. Petersburg": "Europe/Moscow",
  Volgograd: "Europe/Volgograd",
  Samara: "Europe/Samara",
  Kuwait: "Asia/Kuwait",
  Riyadh: "Asia/Riyadh",
  Nairobi: "Africa/Nairobi",
  Baghdad: "Asia/Baghdad",
  Tehran: "Asia/Tehran",
  "Abu Dhabi": "Asia/Muscat",
  Muscat: "Asia/Muscat",
  Baku: "Asia/Baku",
  Tbilisi: "Asia/Tbilisi",
  Yerevan: "Asia/Yerevan",
  Kabul: "Asia/Kabul",
  Ekaterinburg: "Asia/Yekaterinburg",
  Islamabad: "Asia/Karachi",
  Karachi: "Asia/Karachi",
  Tashkent: "Asia/Tashkent",
  Chennai: "Asia/Kolkata",
  Kolkata: "Asia/Kolkata",
  Mumbai: "Asia/Kolkata",
  "New Delhi": "Asia/Kolkata",
  Kathmandu: "Asia/Kathmandu",
  Astana: "Asia/Dhaka",
  Dhaka: "Asia/Dhaka",
  "Sri Jayawardenepura": "Asia/Colombo",
  Almaty: "Asia/Almaty",
  Novosibirsk: "Asia/Novosibirsk",
  Rangoon: "Asia/Rangoon",
  Bangkok: "Asia/Bangkok",
  Hanoi: "Asia/Bangkok",
  Jakarta: "Asia/Jakarta",
  Krasnoyarsk: "Asia/Krasnoyarsk",
  Beijing: "Asia/Shanghai",
  Chongqing: "Asia/Chongqing",
  "Hong Kong": "Asia/Hong_Kong",
  Urumqi: "Asia/Urumqi",
  "Kuala Lumpur": "Asia/Kuala_Lumpur",
  Singapore: "Asia/Singapore",
  Taipei: "Asia/Taipei",
  Perth: "Australia/Perth",
  Irkutsk: "Asia/Irkutsk",
  Ulaanbaatar: "Asia/Ulaanbaatar",
  Seoul: "Asia/Seoul",
  Osaka: "Asia/Tokyo",
  Sapporo: "Asia/Tokyo",
  Tokyo: "Asia/Tokyo",
  Yakutsk: "Asia/Yakutsk",
  Darwin: "Australia/Darwin",
  Adelaide: "Australia/Adelaide",
  Canberra: "Australia/Melbourne",
  Melbourne: "Australia/Melbourne",
  Sydney: "Australia/Sydney",
  Brisbane: "Australia/Brisbane",
  Hobart: "Australia/Hobart",
  Vladivostok: "Asia/Vladivostok",
  Guam: "Pacific/Guam",
  "Port Moresby": "Pacific/Port_Moresby",
  Magadan: "Asia/Magadan",
  Srednekolymsk: "Asia/Srednekolymsk",
  "Solomon Is.": "Pacific/Guadalcanal",
  "New Caledonia": "Pacific/Noumea",
  Fiji: "Pacific/Fiji",
  Kamchatka: "Asia/Kamchatka",
  "Marshall Is.": "Pacific/Majuro",
  Auckland: "Pacific/Auckland",
  Wellington: "Pacific/Auckland",
  "Nuku'alofa": "Pacific/Tongatapu",
  "Tokelau Is.": "Pacific/Fakaofo",
  "Chatham Is.": "Pacific/Chatham",
  Samoa: "Pacific/Apia"
};

// src/destination/time-zones.ts
var IANA_NAMES = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk"
};
var knownZones = /* @__PURE__ */ new Map();
function ianaTimeZone(zone) {
  let canonical = knownZones.get(zone);
  if (canonical === void 0) {
    try {
      const name = field(RAILS_TIME_ZONES, zone.trim()) ?? zone;
      const resolved = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
      const named2 = /\//.test(name) && /\//.test(resolved) || resolved === "UTC";
      canonical = named2 ? field(IANA_NAMES, resolved) ?? resolved : null;
    } catch {
      canonical = null;
    }
    if (knownZones.size < 1e3) knownZones.set(zone, canonical);
  }
  return canonical ?? void 0;
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
var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
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
    if (/^\d{4}(-\d{1,2})?$/.test(value.trim())) return void 0;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) return void 0;
    if (!HAS_ZONE.test(value)) {
      const local = new Date(parsed);
      return validDate(local.getFullYear(), local.getMonth() + 1, local.getDate());
    }
    return fromEpoch(parsed);
  }
  if (isDate(value)) return fromEpoch(value.getTime());
  if (Number.isInteger(value) && value >= 1e3 && value <= 9999) return void 0;
  if (typeof value === "number" && Number.isFinite(value))
    return fromEpoch(value >= EPOCH_SECONDS_1900 && value <= EPOCH_SECONDS_2100 ? value * 1e3 : value);
  return void 0;
}
var EPOCH_SECONDS_1900 = Date.UTC(1900, 0, 1) / 1e3;
var EPOCH_SECONDS_2100 = Date.UTC(2100, 0, 1) / 1e3;
function fromEpoch(ms) {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return void 0;
  return validDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}
function validDate(year, month, day) {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1 || year > 9999 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return void 0;
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
function pick(warnings, convert, expected, ...sources) {
  for (const [label, value] of sources) {
    if (value === void 0 || value === "") continue;
    if (value === null) {
      if (label.startsWith("trait")) return null;
      continue;
    }
    const converted = typeof value === "string" ? convert(value) : void 0;
    if (converted !== void 0) return converted;
    warnings.push(`${label} was dropped: Braze takes ${expected}.`);
  }
  return void 0;
}
function firstUsable(traits, keys, convert, refusal, warnings) {
  for (const key of keys) {
    const value = field(traits, key);
    if (value === void 0) continue;
    if (value === null) return null;
    const converted = convert(value);
    if (converted !== void 0) return converted;
    warnings.push(`trait "${key}" was dropped: ${refusal}`);
  }
  return void 0;
}
function namePart(traits, keys) {
  const usable = keys.find((key2) => !isBlankOrMissing(field(traits, key2)));
  const key = usable ?? keys.find((key2) => field(traits, key2) !== void 0) ?? keys[1];
  return { key, value: field(traits, key), given: usable !== void 0 };
}
var isBlankOrMissing = (value) => value === void 0 || typeof value === "string" && value.trim() === "";
var words = (text2) => text2.trim().replace(/\s+/g, " ");
function splitName(name, first2, last) {
  const full = words(name);
  if (first2.given) {
    const given = nonBlank(first2.value);
    return given !== void 0 && full.startsWith(`${words(given)} `) ? { last_name: full.slice(words(given).length + 1) } : {};
  }
  if (last.given) {
    const given = nonBlank(last.value);
    return given !== void 0 && full.endsWith(` ${words(given)}`) ? { first_name: full.slice(0, -words(given).length - 1) } : {};
  }
  const [head, ...rest] = full.split(" ");
  return rest.length > 0 ? { first_name: head, last_name: rest.join(" ") } : { first_name: head };
}
function nullAddress(traits, attribute) {
  return field(traits, "address") === null && field(traits, attribute) === void 0;
}
var PROFILE_DATES = ["date_of_first_session", "date_of_last_session", "marked_email_as_spam_at"];
var PROFILE_SWITCHES = ["email_open_tracking_disabled", "email_click_tracking_disabled"];
var STANDARD_MAPPINGS = [
  {
    consumes: ["firstName", "first_name", "lastName", "last_name", "name"],
    map(traits, _event, warnings) {
      const out = {};
      const first2 = namePart(traits, ["firstName", "first_name"]);
      const last = namePart(traits, ["lastName", "last_name"]);
      const name = field(traits, "name");
      let split = {};
      if (!first2.given || !last.given) {
        const written = nonBlank(name);
        if (written !== void 0) split = splitName(written, first2, last);
        else if (!isAbsent(name)) warnings.push('trait "name" was dropped: expected text.');
      }
      const part = ({ key, value, given }, fromName, attribute) => !given && fromName !== void 0 ? text(fromName, `trait "name" (as ${attribute})`, warnings) : text(value, `trait "${key}"`, warnings);
      const firstName = part(first2, split.first_name, "first_name");
      const lastName = part(last, split.last_name, "last_name");
      if (firstName !== void 0) out.first_name = firstName;
      if (lastName !== void 0) out.last_name = lastName;
      return out;
    }
  },
  {
    consumes: ["email", "phone"],
    map(traits) {
      const out = {};
      for (const key of ["email", "phone"]) {
        const value = field(traits, key);
        const valid = value === null ? null : validContact[key](value);
        if (valid !== void 0) out[key] = valid;
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
  // Segment's spec traits first, then a trait already named as Braze's standard attribute (`dob`,
  // `home_city`, `image_url`): either way the value is checked here, per event, so that one Braze would
  // refuse never reaches a merged object (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
  {
    consumes: ["birthday", "dob"],
    map(traits, _event, warnings) {
      const dob = firstUsable(traits, ["birthday", "dob"], toDob, "not a date.", warnings);
      return dob === void 0 ? {} : { dob };
    }
  },
  {
    consumes: ["address", "home_city"],
    map(traits, _event, warnings) {
      const address = field(traits, "address");
      if (address !== void 0 && address !== null && !dict(address))
        warnings.push(
          `trait "address" was dropped: Segment's spec makes it an object ({city, country, …}), and Braze takes its city as home_city.`
        );
      const fromAddress = nullAddress(traits, "home_city") ? null : field(dict(address), "city");
      const city = fromAddress === void 0 ? text(field(traits, "home_city"), 'trait "home_city"', warnings) : text(fromAddress, 'trait "address.city"', warnings);
      return city === void 0 ? {} : { home_city: city };
    }
  },
  {
    consumes: ["avatar", "image_url"],
    map(traits, _event, warnings) {
      const imageUrl = firstUsable(
        traits,
        ["avatar", "image_url"],
        (value) => typeof value === "string" && value.length <= MAX_IMAGE_URL_LENGTH ? value : void 0,
        `Braze takes an image URL of at most ${MAX_IMAGE_URL_LENGTH} characters.`,
        warnings
      );
      return imageUrl === void 0 ? {} : { image_url: imageUrl };
    }
  },
  {
    // Explicit traits beat what the device reported, as in Braze: "Language values that are explicitly set
    // through this API take precedence over the locale information Braze automatically receives from the
    // device" (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
    consumes: ["country", "language", "timezone", "time_zone"],
    map(traits, event, warnings, settings) {
      const context = settings.skipContextLocale ? void 0 : dict(field(event, "context"));
      const out = {};
      const country = pick(
        warnings,
        toCountryCode,
        "an ISO-3166-1 country code or an English country name",
        ['trait "address.country"', nullAddress(traits, "country") ? null : path(traits, "address", "country")],
        ['trait "country"', field(traits, "country")],
        ["context.location.country", path(context, "location", "country")]
      );
      const language = pick(
        warnings,
        languageCode,
        "one of the language codes it supports (ISO-639-1, and a few of three letters)",
        ['trait "language"', field(traits, "language")],
        ["context.locale", field(context, "locale")]
      );
      const zone = pick(
        warnings,
        ianaTimeZone,
        "an IANA time zone (or a Rails time zone name)",
        ['trait "timezone"', field(traits, "timezone")],
        ['trait "time_zone"', field(traits, "time_zone")],
        ["context.timezone", field(context, "timezone")]
      );
      if (country !== void 0) out.country = country;
      if (language !== void 0) out.language = language;
      if (zone !== void 0) out.time_zone = zone;
      return out;
    }
  },
  {
    // A current_location trait, else the device's context.location.
    consumes: ["current_location"],
    map(traits, event, warnings) {
      const trait = field(traits, "current_location");
      if (trait === null) return { current_location: null };
      for (const [label, value] of [
        ['trait "current_location" was dropped', trait],
        ["context.location was not sent as current_location", path(event, "context", "location")]
      ]) {
        if (value === void 0) continue;
        const location = dict(value);
        const latitude = field(location, "latitude");
        const longitude = field(location, "longitude");
        if (location && latitude === void 0 && longitude === void 0) continue;
        const valid = typeof latitude === "number" && typeof longitude === "number" && Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180;
        if (valid) return { current_location: { latitude, longitude } };
        warnings.push(`${label}: Braze takes a numeric latitude (-90 to 90) and longitude (-180 to 180).`);
      }
      return {};
    }
  },
  {
    // Braze's other profile fields a trait can set ("Braze user profile fields",
    // https://www.braze.com/docs/api/objects_filters/user_attributes_object/): the session and spam dates
    // "in ISO 8601 format", the email tracking switches as booleans. null unsets them.
    consumes: [...PROFILE_DATES, ...PROFILE_SWITCHES],
    map(traits, _event, warnings) {
      const out = {};
      for (const key of PROFILE_DATES) {
        const value = field(traits, key);
        if (value === void 0) continue;
        if (value === null || typeof value === "string" && isoDateMs(value) !== void 0)
          out[key] = typeof value === "string" ? value.trim() : value;
        else warnings.push(`trait "${key}" was dropped: Braze takes an ISO 8601 date.`);
      }
      for (const key of PROFILE_SWITCHES) {
        const value = field(traits, key);
        if (value === void 0) continue;
        const switched = value === "true" ? true : value === "false" ? false : value;
        if (switched === null || typeof switched === "boolean") out[key] = switched;
        else warnings.push(`trait "${key}" was dropped: Braze takes true or false.`);
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
        const given = Array.isArray(groups) ? groups : [];
        const valid = given.filter(isSubscriptionGroup);
        const takes = `Braze takes [{subscription_group_id: the group's UUID, subscription_state: "subscribed"|"unsubscribed"}].`;
        if (valid.length === 0) warnings.push(`trait "subscription_groups" was dropped: ${takes}`);
        else {
          out.subscription_groups = valid.map((group) => ({
            subscription_group_id: group.subscription_group_id,
            subscription_state: group.subscription_state
          }));
          const left = given.length - valid.length;
          if (left > 0) warnings.push(`trait "subscription_groups": ${left} of its ${given.length} groups were dropped: ${takes}`);
        }
      }
      return out;
    }
  }
];
function isSubscriptionGroup(group) {
  const id = field(group, "subscription_group_id");
  const state = field(group, "subscription_state");
  return typeof id === "string" && UUID.test(id) && typeof state === "string" && GROUP_STATES.has(state);
}
var STANDARD_TRAITS = new Set(STANDARD_MAPPINGS.flatMap((mapping) => mapping.consumes));

// src/destination/attributes.ts
var IDENTIFIER_TRAITS = /* @__PURE__ */ new Set(["braze_id"]);
var RESERVED_TRAITS = /* @__PURE__ */ new Set(["external_id", "user_alias", ...ATTRIBUTE_CONTROL_KEYS]);
function mergeObjectsTrait(traits, warnings) {
  const value = field(traits, "_merge_objects");
  if (value === true || value === "true") return true;
  if (value !== void 0 && value !== false && value !== "false" && value !== null) {
    warnings.push('trait "_merge_objects" was ignored: it takes true or false.');
  }
  return false;
}
function attributesBase(identifier, settings) {
  const base = identifierObject(identifier);
  const updateExistingOnly = updateExistingOnlyFlag(identifier, settings);
  if (updateExistingOnly !== void 0) base._update_existing_only = updateExistingOnly;
  return base;
}
function mapTraits(event, identifier, settings, warnings) {
  const traits = dict(event.traits) ?? {};
  const out = attributesBase(identifier, settings);
  const mergeObjects = mergeObjectsTrait(traits, warnings);
  if (mergeObjects) out._merge_objects = true;
  for (const key of Object.keys(traits)) {
    if (STANDARD_TRAITS.has(key) || IDENTIFIER_TRAITS.has(key) || key === "_merge_objects") continue;
    const reason = RESERVED_TRAITS.has(key) ? "a key of the Braze user object" : BRAZE_RESERVED_ATTRIBUTES.has(key) ? "a Braze profile field with a format of its own, which this function does not set" : badKey(key, false);
    if (reason) {
      warnings.push(`trait "${key.slice(0, 64)}" was dropped: ${reason}.`);
      continue;
    }
    const label = `trait "${key}"`;
    const raw = traits[key];
    if (isOperatorValue(raw)) {
      const update = operatorUpdate(raw, { warnings, label, mode: "attribute" }, mergeObjects);
      if (typeof update === "string") warnings.push(`${label} was dropped: ${update}.`);
      else out[key] = update;
      continue;
    }
    if (isIncrement(raw)) {
      const by = toNumber(raw.inc);
      if (by !== void 0 && Number.isSafeInteger(by)) out[key] = { inc: by };
      else warnings.push(`${label} was dropped: {"inc"} takes a whole number.`);
      continue;
    }
    const value = isArrayEdit(raw) ? arrayEdit(raw, label, warnings) : toBrazeValue(raw, { warnings, label, mode: "attribute" });
    if (value === void 0) continue;
    if (value !== null && typeof value === "object" && !fitsIn(value, MAX_NESTED_ATTRIBUTE_BYTES)) {
      warnings.push(`${label} was dropped: over Braze's ${MAX_NESTED_ATTRIBUTE_BYTES / 1024} KB limit for a nested attribute.`);
      continue;
    }
    out[key] = value;
  }
  for (const mapping of STANDARD_MAPPINGS) Object.assign(out, mapping.map(traits, event, warnings, settings));
  Object.assign(out, identifier);
  if ("phone" in identifier && "email" in out) {
    delete out.email;
    warnings.push('trait "email" was dropped: it is null, and Braze would identify the user by it rather than by the phone.');
  }
  const members = identifyMemberships(event);
  for (const [key, member] of members) out[key] = member;
  if (settings.audienceAttribute) {
    const update = audienceArrayUpdate(members);
    if (update) out[settings.audienceAttribute] = update;
  }
  return out;
}
function identifyMemberships(event) {
  const engage = engageContext(event);
  if (!engage || !isMembership(engage)) return [];
  return memberships(
    dict(event.traits) ?? {},
    engage,
    void 0,
    (key) => !STANDARD_TRAITS.has(key) && !IDENTIFIER_TRAITS.has(key) && !BRAZE_RESERVED_ATTRIBUTES.has(key)
  );
}
function arrayEdit(edit, label, warnings) {
  const out = {};
  for (const [operation, values] of Object.entries(edit)) {
    const converted = toBrazeValue(values, { warnings, label: `${label}.${operation}`, mode: "attribute" });
    if (converted !== void 0) out[operation] = converted;
  }
  return out;
}

// src/destination/currencies.ts
var ISO_CODES_ICU_LACKS = ["VED", "BOV", "CHE", "CHW", "CLF", "COU", "MXV", "USN", "UYI", "UYW", "XUA", "XAG", "XAU", "XPD", "XPT"];
var currencies;
function isCurrencyCode(code) {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  const supported2 = typeof Intl === "object" ? Intl.supportedValuesOf : void 0;
  currencies ??= new Set(supported2 ? [...supported2("currency"), ...ISO_CODES_ICU_LACKS] : []);
  return currencies.size === 0 || currencies.has(code);
}
function currencyCode(value) {
  if (isAbsent(value)) return "USD";
  const code = typeof value === "string" ? value.trim().toUpperCase() : "";
  return isCurrencyCode(code) ? code : void 0;
}

// src/destination/event-properties.ts
var renamed = (keys) => new Map(keys.map((key) => [key, `segment_${key}`]));
var RENAMED_KEYS = { event: renamed(RESERVED_PROPERTY_KEYS), purchase: renamed(RESERVED_PURCHASE_PROPERTY_KEYS) };
function toEventProperties(source, warnings, what) {
  const properties = convertProperties(source, warnings);
  if (properties === void 0) return { properties };
  const problem2 = sizeProblem(properties, what, "event");
  if (problem2) return { problem: problem2 };
  warnUncaptured(properties, what, warnings);
  return { properties };
}
function warnUncaptured(properties, what, warnings) {
  const count = Object.keys(properties).length;
  if (count > MAX_CAPTURED_PROPERTIES)
    warnings.push(
      `The ${what} has ${count} properties: Braze captures only the first ${MAX_CAPTURED_PROPERTIES} of an event or purchase, so "${Object.keys(properties)[MAX_CAPTURED_PROPERTIES].slice(0, 64)}" and those after it will not be usable there.`
    );
}
function convertProperties(source, warnings, skip, object = "event", taken) {
  const out = {};
  let count = 0;
  for (const key of Object.keys(source)) {
    if (skip?.has(key)) continue;
    let target = RENAMED_KEYS[object].get(key) ?? key;
    if (target !== key)
      while (Object.prototype.hasOwnProperty.call(source, target) || target in out || taken?.has(target)) target = `segment_${target}`;
    const reason = badKey(target, false, true);
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
function sizeProblem(properties, what, object) {
  const limit = object === "event" ? MAX_EVENT_PROPERTIES_BYTES : MAX_PURCHASE_PROPERTIES_BYTES;
  if (fitsIn(properties, limit)) return void 0;
  return problem(
    "InvalidEventPayload",
    `The ${what} properties are ${Math.ceil(jsonSize(properties) / 1024)} KB; Braze accepts at most ${limit / 1024} KB per ${object}. Send fewer or smaller properties.`
  );
}

// src/destination/ecommerce.ts
var ROUTES = /* @__PURE__ */ new Map([
  ["product viewed", { event: "product_viewed" }],
  ["product added", { event: "cart_updated", action: "add" }],
  ["product removed", { event: "cart_updated", action: "remove" }],
  ["checkout started", { event: "checkout_started" }],
  ["order completed", { event: "order_placed" }],
  ["order refunded", { event: "order_refunded" }],
  ["order cancelled", { event: "order_cancelled" }],
  // The older names the v2 spec aliases to these ("The `Order Completed` event is aliased to the `Completed Order` event").
  ["viewed product", { event: "product_viewed" }],
  ["added product", { event: "cart_updated", action: "add" }],
  ["removed product", { event: "cart_updated", action: "remove" }],
  ["started order", { event: "checkout_started" }],
  ["completed order", { event: "order_placed" }]
]);
function ecommerceRoute(eventName2) {
  return ROUTES.get(eventName2.trim().toLowerCase());
}
var ORDER_LEVEL_REFUND = { product_id: "order", product_name: "Order-level refund", variant_id: "order", quantity: 1 };
var ID_FIELDS = {
  cart_updated: ["cart_id", ["cart_id"]],
  // Segment's Checkout Started example has no checkout_id, only the order_id the checkout will become.
  checkout_started: ["checkout_id", ["checkout_id", "order_id"]],
  order_placed: ["order_id", ["order_id"]],
  order_refunded: ["order_id", ["order_id"]],
  order_cancelled: ["order_id", ["order_id"]]
};
var TOTAL_SOURCES = ["total", "value", "total_value"];
var BEFORE_SHIPPING_AND_TAX = ["revenue", "subtotal"];
var OPTIONAL_MONEY = {
  subtotal_value: ["subtotal", "subtotal_value"],
  tax: ["tax"],
  shipping: ["shipping"],
  total_discounts: ["discount", "total_discounts"]
};
var OPTIONAL_FIELDS = {
  product_viewed: [],
  cart_updated: ["subtotal_value", "tax", "shipping"],
  checkout_started: ["cart_id", "subtotal_value", "tax", "shipping"],
  order_placed: ["cart_id", "subtotal_value", "tax", "shipping", "total_discounts", "discounts"],
  order_cancelled: ["subtotal_value", "tax", "shipping", "total_discounts", "discounts"],
  order_refunded: ["total_discounts", "discounts"]
};
var DEFAULT_CANCEL_REASON = "unspecified";
var VIEW_TYPES = /* @__PURE__ */ new Set(["price_drop", "back_in_stock"]);
var readId = (value) => {
  const id = nonBlank(value);
  return id !== void 0 && id.length <= MAX_STRING_LENGTH ? id : void 0;
};
var readUrl = (value) => typeof value === "string" && value.trim() !== "" && value.length <= MAX_STRING_LENGTH ? value : void 0;
var readMoney = (value) => {
  const amount = toNumber(value);
  return amount !== void 0 && amount >= 0 ? amount : void 0;
};
var readAbsoluteMoney = (value) => {
  const amount = toNumber(value);
  return amount === void 0 ? void 0 : Math.abs(amount);
};
var readViewTypes = (value) => Array.isArray(value) && value.length > 0 && value.every((type) => VIEW_TYPES.has(type)) ? value : void 0;
var readObjects = (value) => Array.isArray(value) && value.length > 0 && value.every(isDict) ? value : void 0;
var Fields = class {
  constructor(source, warnings) {
    this.source = source;
    this.warnings = warnings;
  }
  source;
  warnings;
  used = /* @__PURE__ */ new Set();
  /** The first key whose value `read` accepts; a value it refuses stays in metadata. */
  take(keys, read) {
    for (const key of keys) {
      const value = read(field(this.source, key));
      if (value !== void 0) {
        this.used.add(key);
        return value;
      }
    }
    return void 0;
  }
  text(keys, label) {
    const value = this.take(keys, (raw) => nonBlank(raw));
    return value === void 0 ? void 0 : cutString(value, { warnings: this.warnings, label, mode: "property" });
  }
  /** What no field took; a `metadata` object of the sender's own is Braze's metadata already, so it is merged in, not nested. */
  metadata() {
    const given = dict(field(this.source, "metadata"));
    if (given) this.used.add("metadata");
    const rest = convertProperties(this.source, this.warnings, this.used);
    const own = given && convertProperties(given, this.warnings);
    return rest || own ? { ...rest, ...own } : void 0;
  }
};
function product(fields, withQuantity, money, refund = false) {
  const out = {};
  const productId = fields.take(["product_id", "sku", "id"], readId);
  if (productId === void 0) return "it has no product_id, sku or id";
  let name = fields.text(["name", "product_name"], "product name");
  if (name === void 0) {
    name = String(productId);
    fields.warnings.push(`a product without a name was sent with product_name "${name.slice(0, 64)}", its id.`);
  }
  out.product_id = productId;
  out.product_name = name;
  out.variant_id = fields.take(["variant", "variant_id", "sku", "product_id", "id"], readId);
  if (withQuantity) {
    const given = field(fields.source, "quantity");
    const units = refund ? toNumber(given) : void 0;
    const quantity = productQuantity(units !== void 0 ? Math.abs(units) : given);
    if (quantity === void 0) return "its quantity is not a whole number of at least 1";
    if (given !== void 0 && given !== null) fields.used.add("quantity");
    out.quantity = quantity;
  }
  const price = fields.take(["price"], money);
  if (price === void 0) return "it has no price (a number of at least 0)";
  out.price = price;
  const image = fields.take(["image_url"], readUrl);
  const url = fields.take(["url", "product_url"], readUrl);
  if (image !== void 0) out.image_url = image;
  if (url !== void 0) out.product_url = url;
  const metadata = fields.metadata();
  if (metadata) out.metadata = metadata;
  return out;
}
function eventSource(event) {
  const library = String(path(event, "context", "library", "name") ?? "").toLowerCase();
  const os = String(path(event, "context", "os", "name") ?? "").toLowerCase();
  if (field(event, "channel") === "browser" || /analytics[.-]?js|analytics-next/.test(library)) return "web";
  if (/ios|iphone|ipad/.test(os)) return "ios";
  if (os.includes("android")) return "android";
  return "server";
}
function mapEcommerce({ route, name, properties, event }, warnings) {
  const braze = `ecommerce.${route.event}`;
  const needs = (what) => problem(
    "InvalidEventPayload",
    `"${name.slice(0, 64)}" cannot become Braze's ${braze}: it needs ${what} (https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/). With the ecommerceMode setting "purchases", Segment's eCommerce events go as custom events and legacy purchases instead.`
  );
  const fields = new Fields(properties, warnings);
  const out = {};
  const idField = ID_FIELDS[route.event];
  if (idField) {
    const [key, sources] = idField;
    const id = fields.take(sources, readId);
    if (id === void 0) return needs(`${sources.map((source) => `properties.${source}`).join(" or ")} for ${key}`);
    out[key] = id;
  }
  if (route.action) out.action = route.action;
  const rawCurrency = field(properties, "currency") ?? productsCurrency(properties, braze, warnings);
  const currency = currencyCode(rawCurrency);
  if (currency === void 0)
    return needs(`an ISO 4217 currency code in properties.currency, not ${JSON.stringify(rawCurrency).slice(0, 20)}`);
  fields.used.add("currency");
  out.currency = currency;
  out.source = fields.text(["source"], 'property "source"') ?? eventSource(event);
  if (route.event === "product_viewed") {
    const types = fields.take(["type"], readViewTypes);
    if (types !== void 0) out.type = types;
    const viewed = product(fields, false, readMoney);
    if (typeof viewed === "string") return needs(`a product: ${viewed}`);
    return finish(braze, Object.assign(out, viewed), warnings);
  }
  if (route.event === "cart_updated") {
    for (const key of OPTIONAL_FIELDS.cart_updated) {
      const value = fields.take(OPTIONAL_MONEY[key], readMoney);
      if (value !== void 0) out[key] = value;
    }
    const line = product(fields, true, readMoney);
    if (typeof line === "string") return needs(`a product in its properties: ${line}`);
    if (route.action === "remove" && !fields.used.has("quantity"))
      warnings.push(`${braze} removes 1 unit: "${name.slice(0, 64)}" has no quantity.`);
    out.products = [line];
    return finish(braze, out, warnings);
  }
  fields.used.add("products");
  const given = field(properties, "products");
  const list = isDict(given) ? [given] : given;
  if (isDict(given)) warnings.push(`${braze}: properties.products is one product, not a list; it was sent as a list of one.`);
  else if (given !== void 0 && given !== null && !Array.isArray(given))
    warnings.push(`properties.products was left out of ${braze}: it is not a list of products.`);
  const refund = route.event === "order_refunded" || route.event === "order_cancelled";
  const money = refund ? readAbsoluteMoney : readMoney;
  const shippingAndTax = ["shipping", "tax"].reduce((all, key) => all + (money(field(properties, key)) ?? 0), 0);
  let total = fields.take(TOTAL_SOURCES, money);
  for (const key of total === void 0 ? BEFORE_SHIPPING_AND_TAX : []) {
    const base = fields.take([key], money);
    if (base === void 0) continue;
    total = roundMoney(base + shippingAndTax);
    if (shippingAndTax > 0) warnings.push(`${braze} total_value is ${key} + shipping + tax: the event has no total or value.`);
    break;
  }
  const products = [];
  if (route.event === "order_refunded" && (!Array.isArray(list) || list.length === 0) && total !== void 0) {
    products.push({ ...ORDER_LEVEL_REFUND, price: total });
  } else {
    if (!Array.isArray(list) || list.length === 0)
      return needs(
        `a non-empty properties.products list${route.event === "order_refunded" ? " (or a total, for a refund of the whole order)" : ""}`
      );
    const reasons = [];
    list.forEach((raw, index) => {
      const item2 = dict(raw);
      const mapped = item2 ? product(new Fields(item2, warnings), true, money, refund) : "it is not an object";
      if (typeof mapped !== "string") products.push(mapped);
      else {
        reasons.push(`product ${index + 1}: ${mapped}`);
        warnings.push(`product ${index + 1} was left out of ${braze}: ${mapped}.`);
      }
    });
    if (products.length === 0 && route.event === "order_refunded" && total !== void 0) {
      products.push({ ...ORDER_LEVEL_REFUND, price: total });
      warnings.push(`${braze} was sent as a refund of the whole order's total: no product of it could be read.`);
    } else if (products.length === 0) return needs(`at least one valid product (${reasons.slice(0, 3).join("; ")})`);
  }
  out.products = products;
  if (total !== void 0) out.total_value = total;
  else {
    const sum = products.reduce((all, item2) => all + item2.price * item2.quantity, 0);
    const discount = OPTIONAL_MONEY.total_discounts.map((key) => money(field(properties, key))).find(
      (amount) => amount !== void 0
    ) ?? 0;
    out.total_value = roundMoney(Math.max(0, sum - discount + shippingAndTax));
    warnings.push(
      `${braze} total_value is the products' price × quantity${discount > 0 ? " − discount" : ""}${shippingAndTax > 0 ? " + shipping + tax" : ""}: the event has no total, value, revenue or subtotal.`
    );
  }
  if (route.event === "order_cancelled")
    out.cancel_reason = fields.text(["cancel_reason", "reason"], 'property "reason"') ?? DEFAULT_CANCEL_REASON;
  for (const key of OPTIONAL_FIELDS[route.event]) {
    const value = key === "cart_id" ? fields.take(["cart_id"], readId) : key === "discounts" ? fields.take(["discounts"], readObjects) : fields.take(OPTIONAL_MONEY[key], money);
    if (value === void 0) continue;
    out[key] = key === "discounts" ? toBrazeValue(value, { warnings, label: 'property "discounts"', mode: "property" }) : value;
  }
  const metadata = fields.metadata();
  if (metadata) out.metadata = metadata;
  return finish(braze, out, warnings);
}
function roundMoney(amount) {
  return Number(amount.toFixed(6));
}
var EXTRAS = [
  ["metadata", ["metadata"]],
  ["image_url and product_url", ["image_url", "product_url"]]
];
function finish(braze, out, warnings) {
  const what = `${braze} event`;
  let over = sizeProblem(out, what, "event");
  const products = Array.isArray(out.products) ? out.products : [];
  for (const [name, keys] of EXTRAS) {
    if (!over) break;
    const holding = products.filter((item2) => keys.some((key) => key in item2));
    if (holding.length === 0) continue;
    for (const item2 of holding) for (const key of keys) delete item2[key];
    warnings.push(`${braze}: the products' ${name} were left out, to keep the event within Braze's limit.`);
    over = sizeProblem(out, what, "event");
  }
  return over ?? { name: braze, properties: out };
}
function productsCurrency(properties, braze, warnings) {
  const list = field(properties, "products");
  if (!Array.isArray(list)) return void 0;
  const named2 = new Set(
    list.flatMap((item2) => {
      const currency = field(item2, "currency");
      return isAbsent(currency) ? [] : currencyCode(currency) ?? [];
    })
  );
  if (named2.size > 1) warnings.push(`${braze} went in USD: its products name different currencies, and the order none.`);
  return named2.size === 1 ? [...named2][0] : void 0;
}

// src/destination/event-time.ts
var TIME_FIELDS = ["timestamp", "originalTimestamp", "receivedAt"];
var MIN_MS = Date.parse("0000-01-01T00:00:00.000Z");
var MAX_MS = Date.parse("9999-12-31T23:59:59.999Z");
function eventEpoch(event) {
  for (const key of TIME_FIELDS) {
    const ms = usableMs(field(event, key));
    if (ms !== void 0) return ms;
  }
  return void 0;
}
function timestampWarning(event) {
  const value = field(event, "timestamp");
  if (value === void 0 || value === null || usableMs(value) !== void 0) return void 0;
  const other = TIME_FIELDS.slice(1).find((key) => usableMs(field(event, key)) !== void 0);
  const shown = typeof value === "string" ? JSON.stringify(value).slice(0, 40) : typeof value === "number" ? String(value) : `(${isDate(value) ? "a Date" : typeof value})`;
  return `timestamp ${shown} is not an ISO 8601 date between the years 0000 and 9999: Braze logs the event at ${other ? `its ${other}` : "the time the function ran"}.`;
}
function usableMs(value) {
  if (typeof value !== "string" && !isDate(value)) return void 0;
  const ms = isDate(value) ? value.getTime() : isoDateMs(value);
  return ms !== void 0 && Number.isFinite(ms) && ms >= MIN_MS && ms <= MAX_MS ? ms : void 0;
}
function brazeTime(epoch, now = Date.now) {
  return new Date(epoch ?? now()).toISOString();
}

// src/destination/plan.ts
function emptyPlan(warnings, epoch, messageId) {
  return { attributes: [], events: [], purchases: [], merges: [], deletes: [], warnings, epoch, messageId };
}

// src/destination/purchases.ts
var MAX_EVENT_PURCHASES = MAX_REQUESTS_PER_EVENT * MAX_OBJECTS_PER_TYPE;
var MAX_PRODUCT_QUANTITY = MAX_EVENT_PURCHASES * MAX_PURCHASE_QUANTITY;
var PRODUCT_ID_FIELDS = ["product_id", "sku", "id", "name"];
var ORDER_ONLY = /* @__PURE__ */ new Set(["products", "currency"]);
var CONSUMED_BY_ID_FIELD = new Map(
  PRODUCT_ID_FIELDS.map((idField) => [idField, /* @__PURE__ */ new Set([idField, "product_id", "price", "quantity", "currency"])])
);
function productPurchases(product2, index, input, order, warnings) {
  const idOf = (key) => nonBlank(field(product2, key))?.trim();
  const given = PRODUCT_ID_FIELDS.filter((key) => idOf(key) !== void 0);
  const idField = given.find((key) => idOf(key).length <= MAX_STRING_LENGTH);
  if (given.length === 0) return "it has no product_id, sku, id or name";
  if (idField === void 0) return `its product id is over ${MAX_STRING_LENGTH} characters`;
  const productId = idOf(idField);
  if (idField !== given[0])
    warnings.push(
      `product ${index + 1}: its ${given[0]} is over ${MAX_STRING_LENGTH} characters, so its ${idField} is the purchase's product_id.`
    );
  const price = toNumber(field(product2, "price"));
  if (price === void 0) return "it has no numeric price";
  const quantity = productQuantity(field(product2, "quantity"));
  if (quantity === void 0) return "its quantity is not a whole number of at least 1";
  if (quantity > MAX_PRODUCT_QUANTITY) return `its quantity ${quantity} is over ${MAX_PRODUCT_QUANTITY}`;
  const productCurrency = field(product2, "currency");
  const rawCurrency = isAbsent(productCurrency) ? field(input.properties, "currency") : productCurrency;
  const currency = currencyCode(rawCurrency);
  if (currency === void 0) return `its currency ${JSON.stringify(rawCurrency).slice(0, 18)} is not an ISO 4217 code`;
  const own = convertProperties(product2, warnings, CONSUMED_BY_ID_FIELD.get(idField), "purchase", {
    has: (key) => Object.prototype.hasOwnProperty.call(input.properties, key)
  });
  const properties = own && order ? Object.assign({}, order, own) : own ?? order;
  const tooLarge = properties && sizeProblem(properties, `purchase of product ${index + 1}`, "purchase");
  if (tooLarge) return tooLarge.message;
  const base = identifierObject(input.identifier);
  if (input.appId) base.app_id = input.appId;
  base.product_id = productId;
  base.currency = currency;
  base.price = price;
  base.time = input.time;
  if (properties) base.properties = properties;
  const updateExistingOnly = updateExistingOnlyFlag(input.identifier, input);
  if (updateExistingOnly !== void 0) base._update_existing_only = updateExistingOnly;
  const purchases = [];
  for (let left = quantity; left > 0; left -= MAX_PURCHASE_QUANTITY) {
    const purchase = Object.assign({}, base);
    purchase.quantity = Math.min(left, MAX_PURCHASE_QUANTITY);
    purchases.push(purchase);
  }
  return purchases;
}
function mapPurchases(input, warnings) {
  const products = field(input.properties, "products");
  if (!Array.isArray(products) || products.length === 0) {
    return problem(
      "InvalidEventPayload",
      `"${input.eventName}" is a purchase event but has no properties.products list, so there is nothing to send to Braze as a purchase.`
    );
  }
  const needed = products.reduce((sum, raw) => {
    const quantity = productQuantity(field(dict(raw), "quantity"));
    return sum + (quantity === void 0 || quantity > MAX_PRODUCT_QUANTITY ? 0 : Math.ceil(quantity / MAX_PURCHASE_QUANTITY));
  }, 0);
  if (needed > MAX_EVENT_PURCHASES)
    return problem(
      "InvalidEventPayload",
      `This event would become ${needed} Braze objects (purchases: one per product, and one per ${MAX_PURCHASE_QUANTITY} of a quantity); the function sends at most ${MAX_EVENT_PURCHASES} for one event (${MAX_REQUESTS_PER_EVENT} requests of ${MAX_OBJECTS_PER_TYPE}). Split the order, or send it with ecommerceMode "recommended".`
    );
  const productKeys = new Set(products.flatMap((raw) => Object.keys(dict(raw) ?? {})));
  const order = convertProperties(input.properties, warnings, ORDER_ONLY, "purchase", productKeys);
  const orderBytes = order ? jsonSize(order) : 0;
  if (orderBytes * needed > MAX_REQUESTS_PER_EVENT * MAX_REQUEST_BYTES)
    return problem(
      "InvalidEventPayload",
      `This event's ${needed} purchases would each carry its ${Math.ceil(orderBytes / 1024)} KB of order properties, more than the ${MAX_REQUESTS_PER_EVENT} requests of 1 MB the function sends for one event. Send fewer products or order properties, or send it with ecommerceMode "recommended".`
    );
  const purchases = [];
  const reasons = [];
  products.forEach((raw, index) => {
    const product2 = dict(raw);
    const result = product2 ? productPurchases(product2, index, input, order, warnings) : "it is not an object";
    if (typeof result === "string") {
      reasons.push(`product ${index + 1}: ${result}`);
      warnings.push(`product ${index + 1} was skipped: ${result}.`);
    } else purchases.push(...result);
  });
  const crowded = purchases.find((purchase) => purchase.properties && Object.keys(purchase.properties).length > MAX_CAPTURED_PROPERTIES);
  if (crowded)
    warnUncaptured(crowded.properties, `"${input.eventName.slice(0, 64)}" purchase of ${crowded.product_id.slice(0, 64)}`, warnings);
  if (purchases.length === 0) {
    return problem(
      "InvalidEventPayload",
      `"${input.eventName}" has no product Braze can record as a purchase (${reasons.slice(0, 5).join("; ")}).`
    );
  }
  return purchases;
}

// src/destination/map-event.ts
function mapEvent(raw, settings, now = Date.now, asType) {
  if (!isDict(raw)) return problem("InvalidEventPayload", "The event is not a JSON object.");
  const type = asType ?? raw.type;
  switch (type) {
    case "identify": {
      const members = identifyMemberships(raw);
      return withIdentifier(raw, settings, (identifier, plan, effective) => mapIdentify(raw, identifier, effective, plan, members), members);
    }
    case "track": {
      const members = trackMemberships(raw);
      return withIdentifier(
        raw,
        settings,
        (identifier, plan, effective) => mapTrack(raw, identifier, effective, plan, now, members),
        members
      );
    }
    case "page":
    case "screen":
      return mapView(raw, type, settings, now);
    case "group":
      if (engageContext(raw) && nonBlank(raw.userId) === void 0 && nonBlank(raw.anonymousId) === void 0)
        return problem(
          "EventNotSupported",
          "Engage's account-level group call names no user, and Braze has no accounts. Connect the account audience or trait to this destination with identify or track calls, which Engage sends for each user of the account."
        );
      return withIdentifier(raw, settings, (identifier, plan, effective) => mapGroup(raw, identifier, effective, plan));
    case "alias":
      return mapAlias(raw, settings);
    case "delete":
      return mapDelete(raw, settings);
    default:
      return problem(
        "EventNotSupported",
        type === void 0 || type === null ? 'This event has no "type": the Braze destination function takes identify, track, page, screen, group, alias and delete.' : `Event type ${JSON.stringify(String(type)).slice(0, 40)} is not supported by the Braze destination function.`
      );
  }
}
function withIdentifier(event, settings, build, members = []) {
  const identifier = resolveIdentifier(event, settings);
  if (isProblem(identifier)) return identifier;
  const plan = emptyPlan([...shapeWarnings(event), ...contactWarnings(event)], eventEpoch(event), messageIdOf(event));
  if (engageContext(event)) plan.engage = true;
  const contactExit = ("email" in identifier || "phone" in identifier) && (isExit(members) || leavesTraits(event));
  const effective = plan.engage && ("user_alias" in identifier || contactExit) ? { ...settings, updateExistingOnly: true } : settings;
  const failed = build(identifier, plan, effective);
  if (failed) return failed;
  const late = plan.events.length + plan.purchases.length > 0 ? timestampWarning(event) : void 0;
  if (late) plan.warnings.push(late);
  return plan;
}
function leavesTraits(event) {
  if (event.type !== "identify") return false;
  const values = Object.entries(dict(event.traits) ?? {}).flatMap(([key, value]) => key === "email" || key === "phone" ? [] : [value]);
  return values.length > 0 && values.every((value) => value === null);
}
function messageIdOf(event) {
  return nonBlank(event.messageId);
}
function shapeWarnings(event) {
  const warnings = [];
  for (const key of ["traits", "properties"]) {
    const value = event[key];
    if (value === void 0 || value === null || isDict(value)) continue;
    warnings.push(`"${key}" was ignored: it is ${Array.isArray(value) ? "an array" : `a ${typeof value}`}, not an object.`);
  }
  return warnings;
}
function contactWarnings(event) {
  const warnings = [];
  for (const kind of ["email", "phone"]) {
    for (const keys of userPaths(event, CONTACT_PATHS[kind])) {
      const reason = contactProblem(kind, path(event, ...keys));
      if (reason) warnings.push(`${keys.join(".")} was ignored: ${reason}.`);
    }
  }
  return warnings;
}
function mapIdentify(event, identifier, settings, plan, members) {
  const attributes = mapTraits(event, identifier, settings, plan.warnings);
  if ("external_id" in identifier) plan.merges.push(...earlierProfiles(event, identifier.external_id, attributes, settings));
  if (isExit(members)) {
    for (const kind of ["email", "phone"]) if (!(kind in identifier)) delete attributes[kind];
  }
  if (plan.engage) {
    for (const kind of ["email", "phone"])
      if (attributes[kind] === null) {
        delete attributes[kind];
        plan.warnings.push(`trait "${kind}" null was not sent: an Engage payload never removes the user's ${kind}.`);
      }
  }
  plan.attributes.push(attributes);
}
function mapTrack(event, identifier, settings, plan, now, members) {
  const name = nonBlank(event.event)?.trim();
  if (name === void 0) return problem("InvalidEventPayload", 'A track call needs an "event" name; this one has none.');
  const properties = dict(event.properties) ?? {};
  const time = brazeTime(plan.epoch, now);
  const route = settings.ecommerceMode === "purchases" ? void 0 : ecommerceRoute(name);
  const purchase = settings.purchaseEvents.includes(name.trim().toLowerCase()) && !(route && settings.ecommerceMode === "recommended");
  const engage = engageContext(event);
  if (!engage && (route || purchase)) {
    const recommended = route && mapEcommerce({ route, name, properties, event }, plan.warnings);
    const purchases = purchase ? mapPurchases(
      { identifier, properties, time, appId: settings.appId, eventName: name, updateExistingOnly: settings.updateExistingOnly },
      plan.warnings
    ) : void 0;
    const failures = [recommended, purchases].filter(isProblem);
    const succeeded = [recommended, purchases].filter((result) => result !== void 0 && !isProblem(result));
    if (succeeded.length === 0) return failures[0];
    for (const failure2 of failures) plan.warnings.push(failure2.message);
    if (recommended && !isProblem(recommended))
      plan.events.push(customEvent(identifier, recommended.name, time, settings, recommended.properties));
    if (purchases && !isProblem(purchases)) {
      plan.purchases.push(...purchases);
      if (recommended && !isProblem(recommended)) plan.purchasesOptional = true;
      if ("user_alias" in identifier && !settings.updateExistingOnly) plan.attributes.push(attributesBase(identifier, settings));
    }
    return;
  }
  const normalized = members.length > 0 ? { ...properties, ...Object.fromEntries(members) } : properties;
  const mapped = toEventProperties(normalized, plan.warnings, `"${name.slice(0, 64)}" event`);
  if ("problem" in mapped) return mapped.problem;
  plan.events.push(customEvent(identifier, eventName(name, plan.warnings), time, settings, mapped.properties));
  const update = settings.audienceAttribute ? audienceArrayUpdate(members) : void 0;
  const contact = engage && "external_id" in identifier ? engageContact(event) : void 0;
  const sets = isExit(members) ? void 0 : contact;
  if (update && settings.audienceAttribute || sets) {
    const attributes = { ...attributesBase(identifier, settings), ...sets };
    if (update && settings.audienceAttribute) attributes[settings.audienceAttribute] = update;
    plan.attributes.push(attributes);
  }
  if (contact && "external_id" in identifier) {
    plan.merges.push(...earlierProfiles(event, identifier.external_id, contact, settings));
    plan.mergesBestEffort = true;
  }
}
function trackMemberships(event) {
  const engage = engageContext(event);
  if (!engage || !isMembership(engage)) return [];
  const properties = dict(event.properties) ?? {};
  return memberships(properties, engage, properties.audience_key);
}
function engageContact(event) {
  const email = validEmail(path(event, "context", "traits", "email"));
  const phone = validPhone(path(event, "context", "traits", "phone"));
  if (email === void 0 && phone === void 0) return void 0;
  return { ...email !== void 0 && { email }, ...phone !== void 0 && { phone } };
}
function eventName(name, warnings) {
  return cutString(name, { warnings, label: "the event name", mode: "property" });
}
function customEvent(identifier, name, time, settings, properties) {
  const event = identifierObject(identifier);
  if (settings.appId) event.app_id = settings.appId;
  event.name = name;
  event.time = time;
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
    return problem(
      "EventNotSupported",
      `${type} calls are not sent to Braze: turn on the "${setting}" setting to send them as custom events.`
    );
  }
  return withIdentifier(event, settings, (identifier, plan) => {
    const name = viewName(event, type);
    const mapped = toEventProperties(dict(event.properties) ?? {}, plan.warnings, `"${name.slice(0, 64)}" event`);
    if ("problem" in mapped) return mapped.problem;
    plan.events.push(customEvent(identifier, eventName(name, plan.warnings), brazeTime(plan.epoch, now), settings, mapped.properties));
  });
}
function mapGroup(event, identifier, settings, plan) {
  const groupId = nonBlank(event.groupId)?.trim();
  if (groupId === void 0) return problem("InvalidEventPayload", "A group call needs a groupId; this one has none.");
  const key = `ab_segment_group_${groupId}`;
  if (key.length > MAX_KEY_LENGTH) return problem("InvalidEventPayload", "The groupId is too long to be a Braze attribute name.");
  const attributes = attributesBase(identifier, settings);
  attributes[key] = true;
  plan.attributes.push(attributes);
  if (plan.engage)
    plan.warnings.push(
      "The account's audiences and traits in this Engage group call were not sent (Braze has no accounts); only the user's group attribute was. Connect them with identify or track calls, which Engage sends for each user of the account."
    );
}
function mapAlias(event, settings) {
  const userId = nonBlank(event.userId);
  const previousId = nonBlank(event.previousId);
  if (userId === void 0 || previousId === void 0) {
    return problem("InvalidEventPayload", "An alias call needs both previousId and userId.");
  }
  const tooLong = externalIdProblem(userId, "userId");
  if (tooLong) return tooLong;
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event));
  if (previousId === userId) {
    plan.warnings.push("previousId equals userId: nothing to merge.");
    return plan;
  }
  const keep = { external_id: userId };
  const anonymousId = nonBlank(event.anonymousId);
  const wasAnonymous = anonymousId === previousId;
  const alias = aliasFor(previousId, settings);
  if (alias && "user_alias" in alias) plan.merges.push({ identifier_to_merge: { user_alias: alias.user_alias }, identifier_to_keep: keep });
  else if (wasAnonymous)
    plan.warnings.push(
      "previousId is an anonymousId, and anonymous users are not sent to Braze without the anonymousAliasLabel setting: nothing to merge."
    );
  if (!wasAnonymous && !externalIdProblem(previousId, "previousId"))
    plan.merges.push({ identifier_to_merge: { external_id: previousId }, identifier_to_keep: keep });
  if (plan.merges.length > 0) plan.attributes.push(attributesBase(keep, settings));
  return plan;
}
function mapDelete(event, settings) {
  const plan = emptyPlan([], eventEpoch(event), messageIdOf(event));
  const userId = nonBlank(event.userId);
  if (userId !== void 0) {
    if (externalIdProblem(userId, "userId")) plan.warnings.push("The userId is too long to be a Braze external_id: no Braze user has it.");
    else plan.deletes.push({ external_id: userId });
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
  const example = DATA_CENTERS.find((dc) => dc.instance === "EU-01") ?? DATA_CENTERS[0];
  return `${DATA_CENTER_NAMES.join(", ")} (or the REST endpoint URL from Braze, e.g. https://${DATA_CENTERS[0].restHost}, or the address of your Braze dashboard, which names the instance: ${example.dashboardHost} is ${example.instance})`;
}

// src/destination/settings.ts
var isText = (value) => typeof value === "string";
var isList = (value) => Array.isArray(value) && value.every(isText);
function typedList(value) {
  let parsed;
  try {
    parsed = JSON.parse(value);
  } catch {
    parsed = void 0;
  }
  if (!Array.isArray(parsed)) return value.split(",");
  return isList(parsed) ? parsed : void 0;
}
function optionalText(value) {
  if (!isText(value)) return { expected: "a text value" };
  const trimmed = value.trim();
  return { value: trimmed === "" ? void 0 : trimmed };
}
function booleanSetting(value) {
  if (typeof value === "boolean") return { value };
  const typed = isText(value) ? value.trim().toLowerCase() : void 0;
  if (typed === "true" || typed === "false") return { value: typed === "true" };
  return { expected: "true or false" };
}
function offByDefault(name, label, description) {
  return {
    name,
    label,
    description,
    type: "BOOLEAN",
    required: false,
    sensitive: false,
    defaultLabel: "false",
    default: false,
    parse: booleanSetting
  };
}
var ECOMMERCE_MODES = ["recommended", "purchases", "both"];
var definitions = {
  apiKey: {
    name: "apiKey",
    label: "API Key",
    description: "Braze REST API key (Settings > APIs and Identifiers) with the users.track, users.merge and users.delete permissions.",
    type: "STRING",
    required: true,
    sensitive: true,
    default: "",
    parse(value) {
      if (!isText(value)) return { expected: "the REST API key as text" };
      const key = normalizeApiKey(value);
      if (key === "") return { expected: "a non-empty REST API key" };
      if (!/^[\x21-\x7e]+$/.test(key))
        return {
          expected: "a REST API key of printable ASCII characters (it holds spaces, invisible or non-ASCII characters: copy it again)"
        };
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
      const dataCenter = isText(value) ? resolveDataCenter(value) : void 0;
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
  updateExistingOnly: offByDefault(
    "updateExistingOnly",
    "Update Existing Only",
    "Send _update_existing_only: true on every attributes, event and purchase object, so no call creates a Braze user (also none for anonymous visitors)."
  ),
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
    description: 'Track events whose products become legacy Braze purchases (one per product, case-insensitive). With eCommerce Mode "recommended", Segment eCommerce spec events listed here are sent as recommended events only.',
    type: "ARRAY",
    required: false,
    sensitive: false,
    defaultLabel: '["Order Completed"]',
    default: ["order completed"],
    parse(value) {
      const list = isList(value) ? value : isText(value) ? typedList(value) : void 0;
      if (!list) return { expected: "a list of event names" };
      return { value: list.map((name) => name.trim().toLowerCase()).filter((name) => name !== "") };
    }
  },
  audienceAttribute: {
    name: "audienceAttribute",
    label: "Audience Attribute",
    description: "When set, Engage audience entries and exits also add/remove the audience key in this Braze array attribute (e.g. segment_audiences).",
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: "empty (off)",
    default: void 0,
    parse(value) {
      const parsed = optionalText(value);
      if ("value" in parsed && parsed.value !== void 0) {
        const reason = badKey(parsed.value, false) ?? (/[.\s]/.test(parsed.value) ? 'a name containing "." or a space' : void 0);
        if (reason) return { expected: `a Braze attribute name, not ${reason}` };
        if (BRAZE_RESERVED_ATTRIBUTES.has(parsed.value))
          return { expected: "a custom attribute name, not a Braze standard attribute or identifier" };
      }
      return parsed;
    }
  },
  sendPageEvents: offByDefault("sendPageEvents", "Send Page Events", 'Send page calls as custom events "Viewed <category> <name> Page".'),
  sendScreenEvents: offByDefault("sendScreenEvents", "Send Screen Events", 'Send screen calls as custom events "Viewed <name> Screen".'),
  ecommerceMode: {
    name: "ecommerceMode",
    label: "Ecommerce Mode",
    description: "recommended: Segment eCommerce spec events (Product Viewed, Product Added/Removed, Checkout Started, Order Completed/Refunded/Cancelled) become Braze's recommended ecommerce.* events; Purchase Events then applies only to other events. purchases: legacy Braze purchases only, from Purchase Events. both: the recommended events, and purchases from Purchase Events too.",
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: "recommended",
    default: "recommended",
    parse(value) {
      const mode = isText(value) ? value.trim().toLowerCase() : void 0;
      return ECOMMERCE_MODES.includes(mode) ? { value: mode } : { expected: `one of ${ECOMMERCE_MODES.join(", ")}` };
    }
  },
  skipContextLocale: offByDefault(
    "skipContextLocale",
    "Skip Context Locale",
    "Leave language, time zone and country to the Braze SDK: do not set them from the event context (context.locale, context.timezone, context.location.country): once set through the API, Braze stops capturing them from the device with its SDK. Explicit traits are still sent."
  ),
  skipUnchangedAttributes: offByDefault(
    "skipUnchangedAttributes",
    "Skip Unchanged Attributes",
    "Do not send an attribute value this warm instance already delivered unchanged for the same userId (Segment cache, best effort): fewer Braze data points when clients identify with all traits on every page. Unsets, array edits and Engage audiences and traits are always sent."
  ),
  maxObjectsPerRequest: {
    name: "maxObjectsPerRequest",
    label: "Max Objects Per Request",
    description: `Combined attribute + event + purchase objects per /users/track request, 1-${MAX_OBJECTS_PER_REQUEST}: Braze takes ${MAX_OBJECTS_PER_TYPE} combined, and ${MAX_OBJECTS_PER_TYPE} of each type (${MAX_OBJECTS_PER_REQUEST}) on legacy rate limits. Set ${MAX_COMBINED_OBJECTS_MAU} if the function logs that Braze refused a request as too long (${MAX_COMBINED_OBJECTS_MAU} is what Braze's docs once gave "MAU CY 24-25" contracts).`,
    type: "STRING",
    required: false,
    sensitive: false,
    defaultLabel: String(MAX_OBJECTS_PER_TYPE),
    default: MAX_OBJECTS_PER_TYPE,
    parse(value) {
      const expected = { expected: `a whole number from 1 to ${MAX_OBJECTS_PER_REQUEST}` };
      const raw = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : void 0;
      if (raw === void 0 || !/^\d+$/.test(raw)) return expected;
      const n = Number(raw);
      return n >= 1 && n <= MAX_OBJECTS_PER_REQUEST ? { value: n } : expected;
    }
  }
};
var SETTING_DEFINITIONS = Object.values(definitions);
function normalizeApiKey(raw) {
  const unquoted = (text2) => text2.trim().replace(/^["']|["']$/g, "");
  return unquoted(unquoted(raw).replace(/^Bearer\s+/i, ""));
}
var isBlank = (value) => isAbsent(value) || Array.isArray(value) && value.length === 0;
function parseSettings(raw) {
  const input = raw !== null && typeof raw === "object" ? raw : {};
  const out = {};
  const problems = [];
  for (const definition of SETTING_DEFINITIONS) {
    const value = input[definition.name];
    if (isBlank(value)) {
      if (definition.required) problems.push(`Setting "${definition.name}" (${definition.label}) is required: ${definition.description}`);
      out[definition.name] = definition.default;
      continue;
    }
    const parsed = definition.parse(value);
    if ("expected" in parsed) problems.push(`Setting "${definition.name}" (${definition.label}) is invalid: expected ${parsed.expected}.`);
    else out[definition.name] = parsed.value;
  }
  if (problems.length > 0) return { problem: problem("ValidationError", problems.join(" ")) };
  return { settings: out };
}

// src/destination/summary.ts
var MAX_WARNINGS = 20;
function limitWarnings(warnings) {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_WARNINGS), `…and ${warnings.length - MAX_WARNINGS} more warnings`];
}
var BATCH_WARNING_PREFIX = "Warning for event";
function batchWarningLines(index, messageId, warnings) {
  const which = `${BATCH_WARNING_PREFIX} ${index + 1}${messageId === void 0 ? "" : ` (messageId ${JSON.stringify(messageId)})`}`;
  return limitWarnings(warnings).map((warning) => `${which}: ${warning}`);
}
function summarize(report, warnings, messageId) {
  const sent = { attributes: 0, events: 0, purchases: 0 };
  for (const call of report.calls) {
    if (call.path !== "/users/track") continue;
    for (const name of TRACK_ARRAYS) {
      const items = call.body[name];
      if (Array.isArray(items)) sent[name] += items.length;
    }
  }
  const primary = report.calls[0];
  const summary = {
    braze: primary ? { endpoint: primary.path, status: primary.outcome.status, response: primary.outcome.response } : null,
    requests: report.calls.map((call) => ({ endpoint: call.path, status: call.outcome.status, body: call.body })),
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
function send(plans, settings, startedAt, byContent = false) {
  const connection = {
    dataCenter: settings.dataCenter,
    apiKey: settings.apiKey,
    deadline: startedAt + INVOCATION_BUDGET_MS
  };
  return deliver(plans, {
    connection,
    maxObjectsPerRequest: settings.maxObjectsPerRequest,
    skipUnchangedAttributes: settings.skipUnchangedAttributes,
    byContent
  });
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
    const report = await send([plan], settings, startedAt, true);
    const failure2 = worstFailure(report.failures[0]);
    if (failure2) throw segmentError(ERROR_FOR_FAILURE[failure2.kind], failureMessage(failure2, report.accepted[0]));
    return summarize(report, [...report.notices, ...plan.warnings, ...report.warnings[0]], plan.messageId);
  });
}
var ERROR_FOR_FAILURE = {
  retry: "RetryError",
  reject: "ValidationError",
  invalid: "InvalidEventPayload"
};
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
    const now = Date.now();
    const plans = events.map((event) => mapSafely(event, settings, () => now));
    const report = await send(
      plans.map((plan) => isProblem(plan) ? void 0 : plan),
      settings,
      startedAt
    );
    for (const notice of report.notices) console.log(notice);
    plans.forEach((plan, index) => {
      const warnings = isProblem(plan) ? [] : [...plan.warnings, ...report.warnings[index]];
      if (!isProblem(plan) && warnings.length > 0) for (const line of batchWarningLines(index, plan.messageId, warnings)) console.log(line);
    });
    return plans.map((plan, index) => {
      if (isProblem(plan)) return { status: STATUS_FOR[plan.kind], errormessage: plan.message };
      const failure2 = worstFailure(report.failures[index]);
      if (!failure2) return { status: 200 };
      return { status: STATUS_FOR[ERROR_FOR_FAILURE[failure2.kind]], errormessage: failureMessage(failure2, report.accepted[index]) };
    });
  });
}
function failureMessage(failure2, accepted) {
  if (failure2.kind !== "reject" || accepted.size === 0) return failure2.message;
  const message = /[.!?]$/.test(failure2.message) ? failure2.message : `${failure2.message}.`;
  if ([...accepted].some((part) => part !== "attributes"))
    return `${message} Braze did log this event's other objects (its custom event or purchases): sending the event again would log them twice.`;
  return `${message} Braze did set this event's attributes.`;
}
function mapSafely(event, settings, now) {
  try {
    return mapEvent(event, settings, now);
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
