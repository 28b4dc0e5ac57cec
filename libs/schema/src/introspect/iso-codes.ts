/**
 * Code lists real schemas store in short text columns (currency, country, language, locale, time
 * zone), most common first with rough weights, so generated rows look like a real user base.
 */
export const CURRENCIES: readonly (readonly [string, number])[] = [
  ['USD', 40], ['EUR', 25], ['GBP', 8], ['JPY', 5], ['CAD', 3], ['AUD', 3], ['CHF', 2], ['CNY', 2], ['SEK', 1], ['NOK', 1],
  ['DKK', 1], ['PLN', 1], ['BRL', 1], ['INR', 1], ['MXN', 1], ['NZD', 1], ['SGD', 1], ['HKD', 1], ['ZAR', 1], ['KRW', 1],
];

export const COUNTRY_CODES: readonly (readonly [string, string, number])[] = [
  ['US', 'USA', 30], ['DE', 'DEU', 8], ['GB', 'GBR', 8], ['FR', 'FRA', 6], ['CA', 'CAN', 5], ['IN', 'IND', 5], ['BR', 'BRA', 4], ['JP', 'JPN', 4],
  ['AU', 'AUS', 3], ['ES', 'ESP', 3], ['IT', 'ITA', 3], ['NL', 'NLD', 3], ['MX', 'MEX', 2], ['SE', 'SWE', 2], ['PL', 'POL', 2], ['CH', 'CHE', 2],
  ['BE', 'BEL', 1], ['AT', 'AUT', 1], ['IE', 'IRL', 1], ['DK', 'DNK', 1], ['NO', 'NOR', 1], ['FI', 'FIN', 1], ['PT', 'PRT', 1], ['NZ', 'NZL', 1],
  ['SG', 'SGP', 1], ['ZA', 'ZAF', 1], ['KR', 'KOR', 1], ['AR', 'ARG', 1], ['CN', 'CHN', 1], ['TR', 'TUR', 1],
];

export const LANGUAGES: readonly (readonly [string, number])[] = [
  ['en', 50], ['de', 8], ['fr', 7], ['es', 7], ['pt', 5], ['ja', 4], ['it', 3], ['nl', 3], ['zh', 3], ['ru', 2], ['pl', 2], ['sv', 1], ['ko', 1], ['tr', 1], ['da', 1],
];

export const LOCALES: readonly (readonly [string, number])[] = [
  ['en-US', 40], ['en-GB', 10], ['de-DE', 8], ['fr-FR', 7], ['es-ES', 5], ['pt-BR', 5], ['ja-JP', 4], ['it-IT', 3], ['nl-NL', 3], ['en-CA', 3],
  ['en-AU', 3], ['es-MX', 2], ['sv-SE', 1], ['pl-PL', 1], ['zh-CN', 2], ['ko-KR', 1],
];

export const TIME_ZONES: readonly (readonly [string, number])[] = [
  ['America/New_York', 15], ['America/Chicago', 8], ['America/Los_Angeles', 10], ['America/Denver', 3], ['Europe/London', 10], ['Europe/Berlin', 8],
  ['Europe/Paris', 6], ['Europe/Madrid', 3], ['Europe/Amsterdam', 2], ['Europe/Stockholm', 1], ['Asia/Tokyo', 5], ['Asia/Kolkata', 4],
  ['Asia/Shanghai', 3], ['Asia/Singapore', 2], ['Australia/Sydney', 3], ['America/Sao_Paulo', 3], ['America/Toronto', 3], ['America/Mexico_City', 2],
  ['Africa/Johannesburg', 1], ['Pacific/Auckland', 1], ['UTC', 5],
];
