/** ISO 3166-1 alpha-2 codes a registrant may choose; names come from Intl.DisplayNames in the page's language. */
export const COUNTRY_CODES = (
  'AD AE AF AG AL AM AO AR AT AU AZ BA BB BD BE BF BG BH BI BJ BN BO BR BS BT BW BY BZ CA CD CF CG CH CI CL CM CN CO CR CU CV CY CZ ' +
  'DE DJ DK DM DO DZ EC EE EG ER ES ET FI FJ FM FR GA GB GD GE GH GM GN GQ GR GT GW GY HN HR HT HU ID IE IL IN IQ IR IS IT JM JO JP ' +
  'KE KG KH KI KM KN KP KR KW KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MG MH MK ML MM MN MR MT MU MV MW MX MY MZ NA NE NG NI ' +
  'NL NO NP NR NZ OM PA PE PG PH PK PL PS PT PW PY QA RO RS RU RW SA SB SC SD SE SG SI SK SL SM SN SO SR SS ST SV SY SZ TD TG TH TJ ' +
  'TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VN VU WS XK YE ZA ZM ZW'
).split(' ');

const SET = new Set(COUNTRY_CODES);

export function isCountryCode(code: unknown): code is string {
  return typeof code === 'string' && SET.has(code);
}

const cache = new Map<string, { code: string; name: string }[]>();

/** Countries sorted by their name in `lang`, the network's eight first. */
export function countryOptions(lang: string): { code: string; name: string }[] {
  let list = cache.get(lang);
  if (!list) {
    const names = new Intl.DisplayNames([lang === 'en' ? 'en-GB' : lang, 'en'], { type: 'region' });
    const network = ['GR', 'RO', 'LT', 'IT', 'ES', 'PL', 'BG', 'CY'];
    const all = COUNTRY_CODES.map((code) => ({ code, name: code === 'XK' ? 'Kosovo' : names.of(code) ?? code }));
    const first = network.flatMap((c) => all.find((x) => x.code === c) ?? []);
    const rest = all.filter((x) => !network.includes(x.code)).sort((a, b) => a.name.localeCompare(b.name, lang));
    list = [...first, ...rest];
    cache.set(lang, list);
  }
  return list;
}

export function countryName(code: string, lang: string): string {
  return countryOptions(lang).find((c) => c.code === code)?.name ?? code;
}
