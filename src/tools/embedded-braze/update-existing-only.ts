// Whether a /users/track object may create the profile it names, or only
// update one that exists ("Update Only" mode). Braze words this differently
// per identifier and per object type; each case follows its own page.
import type { Identifier } from './identifier'
import type { TrackArray } from './rules'

/** `flag` is the object's `_update_existing_only` (already checked to be a boolean or absent). */
export function mayCreateProfile(array: TrackArray, identifier: Identifier, flag: boolean | undefined): boolean {
  switch (identifier.kind) {
    case 'braze_id':
      // Braze assigns braze_ids, so an unknown one names nobody that could be created.
      return false
    case 'external_id':
      // "If this value is omitted, Braze creates a new user profile if the external_id does not already exist."
      // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/ and, for events,
      // https://www.braze.com/docs/api/objects_filters/event_object/). The purchase page only says "Setting this
      // flag to true puts the API in 'Update Only' mode" (https://www.braze.com/docs/api/objects_filters/purchase_object/),
      // so purchases follow the same rule.
      return flag !== true
    case 'email':
    case 'phone':
      // "What happens if no profile with the email address currently exists? A new profile will be created, and an
      // email-only user will be created." (https://www.braze.com/docs/api/endpoints/user_data/post_user_track/).
      // No page exempts email or phone from "Update Only" mode, so `true` still means update only.
      return flag !== true
    case 'user_alias':
      return aliasMayCreate(array, flag)
  }
}

function aliasMayCreate(array: TrackArray, flag: boolean | undefined): boolean {
  switch (array) {
    case 'attributes':
      // "When using a 'user_alias', 'Update Only' defaults to true." … "If you are creating an alias-only user
      // profile through the /users/track endpoint, you must set _update_existing_only to false. If you omit this
      // value, Braze does not create the alias-only profile."
      // (https://www.braze.com/docs/api/objects_filters/user_attributes_object/)
      return flag === false
    case 'events':
      // "When using a 'user_alias', 'Update Only' mode is always true." with the same note: "If you're creating an
      // alias-only user profile through the /users/track endpoint, _update_existing_only must be set to false."
      // (https://www.braze.com/docs/api/objects_filters/event_object/)
      return flag === false
    case 'purchases':
      // "When using a 'user_alias', 'Update Only' mode is always true." and, unlike the event page, no way to
      // create an alias-only profile (https://www.braze.com/docs/api/objects_filters/purchase_object/): a purchase
      // for an unknown alias is dropped whatever the flag says.
      return false
  }
}
