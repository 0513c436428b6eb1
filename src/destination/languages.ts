// Language values → the codes Braze supports. "Braze supports most language
// codes in the ISO-639-1 standard, with a few exceptions": its table lists
// two- and three-letter codes, Norwegian as `nb`
// (https://www.braze.com/docs/user_guide/data/unification/user_data/language_codes/).

/** Braze's table, in its order. */
const CODES =
  'en af agq ak sq am ar hy as ay az ksf bas eu be bem bn bez bs br bg my km ca tzm chr cgg zh swc kw hr cs da dav dua nl dz guz et eo ewo ee fo fa fil fi fr gl lg ka de gsw el kl gn gu ha haw he hi hu is ig id iu ga it jv ja dyo kab kln kam kn ks kk ebu ki rw ky ko ku lo la lv ln lt lu lb luo luy jmc mk mg ms ml mt gv mr mas mer mo mn mfe mua naq ne nd nb nus nyn nn om ps ff pl pt pa qu rm ro rof ru rwk saq se sbp sa gd sr seh ksb sn ii sd si sk sl so es sw sv shi tl tg ta twq tt te teo th bo ti to tr tk ug uk ur uz vai vi vun cy xh yav yi yo dje zu'

/** Older or broader codes for a language Braze lists under another one. */
const ALIASES: Record<string, string> = { no: 'nb', iw: 'he', in: 'id', ji: 'yi' }

let supported: Set<string> | undefined

/** `fr`, `fr-FR` and `fr_CA` → `fr`; `fil-PH` → `fil`; `no-NO` → `nb`; a language Braze does not list → undefined. */
export function languageCode(value: string): string | undefined {
  const primary = /^([a-z]{2,3})(?:[-_]|$)/i.exec(value.trim())?.[1]!.toLowerCase()
  if (primary === undefined) return undefined
  supported ??= new Set(CODES.split(' '))
  const code = Object.prototype.hasOwnProperty.call(ALIASES, primary) ? ALIASES[primary]! : primary
  return supported.has(code) ? code : undefined
}
