// Country values → ISO-3166-1 alpha-2, the only form Braze keeps: "if the
// input doesn't match a given ISO-3166-1 alpha-2 standard, the country value
// is set to NULL" (https://www.braze.com/docs/api/objects_filters/user_attributes_object/).
// Alpha-3 codes come from the table below; English names from the runtime's
// own CLDR data (Intl.DisplayNames) plus a few common names CLDR spells
// differently, so the bundle carries codes only (about 1.6 KB).

/**
 * Every officially assigned ISO 3166-1 code pair, alpha-2 then alpha-3, five
 * letters an entry (checked against the i18n-iso-countries package in
 * test/countries.test.ts). XK (Kosovo) is user-assigned, not ISO: left out.
 */
const CODES =
  'ADANDAEAREAFAFGAGATGAIAIAALALBAMARMAOAGOAQATAARARGASASMATAUTAUAUSAWABWAXALAAZAZEBABIHBBBRBBDBGDBEBELBFBFABGBGRBHBHRBIBDIBJBENBLBLMBMBMUBNBRNBOBOLBQBESBRBRABSBHSBTBTNBVBVTBWBWABYBLRBZBLZCACANCCCCKCDCODCFCAFCGCOGCHCHECICIVCKCOKCLCHLCMCMRCNCHNCOCOLCRCRICUCUBCVCPVCWCUWCXCXRCYCYPCZCZEDEDEUDJDJIDKDNKDMDMADODOMDZDZAECECUEEESTEGEGYEHESHERERIESESPETETHFIFINFJFJIFKFLKFMFSMFOFROFRFRAGAGABGBGBRGDGRDGEGEOGFGUFGGGGYGHGHAGIGIBGLGRLGMGMBGNGINGPGLPGQGNQGRGRCGSSGSGTGTMGUGUMGWGNBGYGUYHKHKGHMHMDHNHNDHRHRVHTHTIHUHUNIDIDNIEIRLILISRIMIMNININDIOIOTIQIRQIRIRNISISLITITAJEJEYJMJAMJOJORJPJPNKEKENKGKGZKHKHMKIKIRKMCOMKNKNAKPPRKKRKORKWKWTKYCYMKZKAZLALAOLBLBNLCLCALILIELKLKALRLBRLSLSOLTLTULULUXLVLVALYLBYMAMARMCMCOMDMDAMEMNEMFMAFMGMDGMHMHLMKMKDMLMLIMMMMRMNMNGMOMACMPMNPMQMTQMRMRTMSMSRMTMLTMUMUSMVMDVMWMWIMXMEXMYMYSMZMOZNANAMNCNCLNENERNFNFKNGNGANINICNLNLDNONORNPNPLNRNRUNUNIUNZNZLOMOMNPAPANPEPERPFPYFPGPNGPHPHLPKPAKPLPOLPMSPMPNPCNPRPRIPSPSEPTPRTPWPLWPYPRYQAQATREREUROROURSSRBRURUSRWRWASASAUSBSLBSCSYCSDSDNSESWESGSGPSHSHNSISVNSJSJMSKSVKSLSLESMSMRSNSENSOSOMSRSURSSSSDSTSTPSVSLVSXSXMSYSYRSZSWZTCTCATDTCDTFATFTGTGOTHTHATJTJKTKTKLTLTLSTMTKMTNTUNTOTONTRTURTTTTOTVTUVTWTWNTZTZAUAUKRUGUGAUMUMIUSUSAUYURYUZUZBVAVATVCVCTVEVENVGVGBVIVIRVNVNMVUVUTWFWLFWSWSMYEYEMYTMYTZAZAFZMZMBZWZWE'

/** Names people type that CLDR's English names don't cover. */
const ALIASES =
  'united states of america:US|america:US|great britain:GB|england:GB|scotland:GB|wales:GB|northern ireland:GB|' +
  'turkey:TR|ivory coast:CI|czech republic:CZ|democratic republic of congo:CD|dr congo:CD|republic of congo:CG|' +
  'macedonia:MK|republic of north macedonia:MK|swaziland:SZ|cabo verde:CV|east timor:TL|holy see:VA|' +
  'republic of korea:KR|korea republic of:KR|russian federation:RU|viet nam:VN|holland:NL|uae:AE|' +
  'state of palestine:PS|peoples republic of china:CN|taiwan province of china:TW|islamic republic of iran:IR|' +
  'united republic of tanzania:TZ|pitcairn:PN|brunei darussalam:BN|syrian arab republic:SY|republic of gambia:GM|' +
  'lao peoples democratic republic:LA|virgin islands british:VG|virgin islands us:VI|' +
  'united states minor outlying islands:UM|bonaire sint eustatius and saba:BQ|heard island and mcdonald islands:HM|' +
  'south georgia and south sandwich islands:GS|macau:MO|' +
  // ISO 3166-1's own English short names where CLDR's differ; ISO's bare "Congo" is the Republic of the Congo.
  'united kingdom of great britain and northern ireland:GB|congo the democratic republic of the:CD|' +
  'korea democratic peoples republic of:KP|congo:CG'

let alpha2: Set<string> | undefined
let alpha3: Map<string, string> | undefined
let names: Map<string, string> | undefined

function codes(): { alpha2: Set<string>; alpha3: Map<string, string> } {
  if (!alpha2 || !alpha3) {
    alpha2 = new Set()
    alpha3 = new Map()
    for (let at = 0; at < CODES.length; at += 5) {
      alpha2.add(CODES.slice(at, at + 2))
      alpha3.set(CODES.slice(at + 2, at + 5), CODES.slice(at, at + 2))
    }
  }
  return { alpha2, alpha3 }
}

/** "Côte d’Ivoire" and "COTE D'IVOIRE" are one name; so are "St. Helena" and "Saint Helena", "The Bahamas" and "Bahamas". */
function normalizeName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\bthe\b/g, ' ')
    .replace(/\bst\b/g, 'saint')
    .replace(/\s+/g, ' ')
    .trim()
}

function nameTable(): Map<string, string> {
  if (names) return names
  names = new Map()
  const add = (name: string | undefined, code: string) => {
    if (name) names!.set(normalizeName(name), code)
  }
  // Feature-detected: a runtime without Intl's display names still converts codes and the aliases.
  const DisplayNames = typeof Intl === 'object' ? (Intl as { DisplayNames?: typeof Intl.DisplayNames }).DisplayNames : undefined
  if (DisplayNames) {
    for (const style of ['long', 'short'] as const) {
      const display = new DisplayNames(['en'], { type: 'region', style })
      for (const code of codes().alpha2) {
        const name = display.of(code)
        add(name, code)
        // "Myanmar (Burma)": both spellings are names of the country.
        const parts = name && /^(.*) \((.*)\)$/.exec(name)
        if (parts) for (const part of parts.slice(1)) add(part, code)
      }
    }
  }
  for (const entry of ALIASES.split('|')) {
    const [name, code] = entry.split(':')
    add(name, code!)
  }
  return names
}

/** The alpha-2 code for an alpha-2 or alpha-3 code or an English name, or undefined. */
/** Longer than any country's name in any form this reads (ISO 3166-1's longest is 52 characters). */
const MAX_COUNTRY_TEXT = 100

export function toCountryCode(value: string): string | undefined {
  if (value.length > MAX_COUNTRY_TEXT) return undefined
  const trimmed = value.trim()
  // "U.S." and "u.s.a." are codes too.
  const code = trimmed.replace(/\./g, '').toUpperCase()
  const { alpha2: two, alpha3: three } = codes()
  if (code.length === 2 && two.has(code)) return code
  if (code.length === 3 && three.has(code)) return three.get(code)
  // "Falkland Islands (Malvinas)", "Moldova, Republic of": the name before the qualifier is the country.
  const table = nameTable()
  const before = (mark: string) => (trimmed.includes(mark) ? trimmed.slice(0, trimmed.indexOf(mark)).trimEnd() : trimmed)
  for (const name of [trimmed, before('('), before(',')]) {
    const found = table.get(normalizeName(name))
    if (found) return found
  }
  return undefined
}
