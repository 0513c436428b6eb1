// Every Braze limit the function enforces, each with the public page that
// states it. The embedded Braze (src/tools/embedded-braze/rules.ts) imports
// these too, so the function and its stand-in can never disagree on a number.

/**
 * The arrays of a /users/track request, in the order Braze processes them.
 * https://www.braze.com/docs/api/api_limits/ ("1. Attributes 2. Events 3. Purchases")
 */
export const TRACK_ARRAYS = ['attributes', 'events', 'purchases'] as const
export type TrackArray = (typeof TRACK_ARRAYS)[number]

/**
 * "Up to 75 total objects combined across attributes, events, and purchases per
 * API request. Customers on legacy rate limits can include up to 75 objects per
 * array independently." https://www.braze.com/docs/api/api_limits/ (and for
 * "Monthly Active Users CY 24-25, Universal MAU, Web MAU, or Mobile MAU"
 * contracts: "Each request may batch up to 75 updates combined across
 * attribute, event, or purchase objects",
 * https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
 * So 75 is the default of maxObjectsPerRequest, and the most of one type.
 */
export const MAX_OBJECTS_PER_TYPE = 75

/** Every array of a /users/track request full on legacy rate limits: 3 × 75. */
export const MAX_OBJECTS_PER_REQUEST = MAX_OBJECTS_PER_TYPE * TRACK_ARRAYS.length

/**
 * Where Braze refuses a request as too long all the same: an earlier version of
 * https://www.braze.com/docs/api/endpoints/user_data/post_user_track/ said that on
 * "Monthly Active Users - CY 24-25" contracts "Each request may batch up to 50
 * updates combined across attribute, event, or purchase objects" (it says 75 now).
 */
export const MAX_COMBINED_OBJECTS_MAU = 50

/**
 * Entries per /users/merge and /users/delete request:
 * "Up to 50 merges may be specified per request."
 * https://www.braze.com/docs/api/endpoints/user_data/post_users_merge/
 * "Up to 50 external_ids, user_aliases, braze_ids, email_addresses, or phone_numbers can be included in a single request."
 * https://www.braze.com/docs/api/endpoints/user_data/post_user_delete/
 */
export const MAX_USERS_ENTRIES_PER_REQUEST = 50

/**
 * Strings, property names and custom attribute keys: "non-empty strings less
 * than or equal to 255 characters" (names), "255 characters or fewer" (values).
 * https://www.braze.com/docs/api/objects_filters/event_object/
 * "Key names and string values have a size limit of 255 characters."
 * https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/
 */
export const MAX_STRING_LENGTH = 255
export const MAX_KEY_LENGTH = 255

/**
 * "EXTERNAL_USER_ID_TOO_LARGE: The external_id exceeds the maximum allowed
 * length of 987 bytes." (Endpoint-specific errors,
 * https://www.braze.com/docs/api/endpoints/user_data/post_user_track/)
 */
export const MAX_EXTERNAL_ID_BYTES = 987

/**
 * The standard `image_url` attribute: "Up to 1,024 characters" on Braze's
 * standard attributes page (https://www.braze.com/docs/user_guide/data/activation/attributes/standard_attributes/;
 * the user attributes object page states no length). A URL, so the 255 cut of
 * other strings would break it.
 */
export const MAX_IMAGE_URL_LENGTH = 1024

/**
 * Custom event properties: "Event property objects that contain array or
 * object values can have an event property payload of up to 100 KB."
 * https://www.braze.com/docs/api/objects_filters/event_object/ — and the
 * eCommerce page: "Event properties sent to /users/track are capped at
 * 102,400 bytes (100 KB) per event."
 * https://www.braze.com/docs/user_guide/data/activation/events/recommended_events/
 */
export const MAX_EVENT_PROPERTIES_BYTES = 100 * 1024

/**
 * "Each custom event or purchase can have up to 256 distinct custom event properties. If a custom event or
 * purchase is logged with more than 256 properties, only the first 256 will be captured and available for use."
 * https://www.braze.com/docs/user_guide/data/activation/events/custom_events/custom_event_properties/
 */
export const MAX_CAPTURED_PROPERTIES = 256

/**
 * Purchase properties keep the older bound: "can have an event property
 * payload of up to 50 KB." https://www.braze.com/docs/api/objects_filters/purchase_object/
 */
export const MAX_PURCHASE_PROPERTIES_BYTES = 50 * 1024

/**
 * "Objects have a maximum size of 100 KB."
 * https://www.braze.com/docs/user_guide/data/activation/attributes/nested_custom_attribute_support/
 * "Arrays of objects … do have a maximum size of 100 KB."
 * https://www.braze.com/docs/user_guide/data/activation/attributes/array_of_objects/
 */
export const MAX_NESTED_ATTRIBUTE_BYTES = 100 * 1024

/**
 * "quantity … must be <= 100 -- currently, Braze treats a quantity X as X
 * separate purchases with quantity 1"
 * https://www.braze.com/docs/api/objects_filters/purchase_object/
 */
export const MAX_PURCHASE_QUANTITY = 100

/**
 * "Using reserved keys as custom event property names will result in API
 * errors": `time` and `event_name`. https://www.braze.com/docs/api/objects_filters/event_object/
 */
export const RESERVED_PROPERTY_KEYS: readonly string[] = ['time', 'event_name']

/**
 * "The following keys are reserved and cannot be used as purchase event property names: `time`,
 * `product_id`, `quantity`, `event_name`, `price`, and `currency`. Using a reserved key in the
 * `properties` object will return the error "Invalid 'properties' field"."
 * https://www.braze.com/docs/user_guide/data/activation/events/purchase_events/#purchase-properties
 */
export const RESERVED_PURCHASE_PROPERTY_KEYS: readonly string[] = ['time', 'product_id', 'quantity', 'event_name', 'price', 'currency']

/**
 * "All API endpoints have a data payload limit of 4 MB. Attempts to post more
 * data than 4 MB will fail with an HTTP 413 Request Entity Too Large."
 * (https://www.braze.com/docs/api/endpoints/user_data/). This project's cap,
 * 1 MB, stays far below it and below any proxy's, and costs nothing for
 * ordinary events (75 objects are about 50 KB).
 */
export const MAX_REQUEST_BYTES = 1024 * 1024

/**
 * This project's bound on one event: when its objects need several requests
 * they go one after another, all inside Segment's 5 s, so at most 4 (850
 * products at quantity 7,500 would be 63,750 purchase objects).
 */
export const MAX_REQUESTS_PER_EVENT = 4

/** Braze's answer when a request holds more objects than these limits allow. https://www.braze.com/docs/api/errors/ */
export const MAX_INPUT_LENGTH_MESSAGE = 'Max Input Length Exceeded'

/**
 * "For nested custom attributes, if the year is less than 0 or greater than 3000, Braze doesn't store these values."
 * https://www.braze.com/docs/user_guide/data/activation/custom_data/custom_attributes/nested_custom_attribute_support/
 */
export const MAX_NESTED_YEAR = 3000
