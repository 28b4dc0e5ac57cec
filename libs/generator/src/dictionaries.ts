import { WORD_LISTS as W } from './word-lists.js';

/**
 * Word lists vendored from faker's `en` locale (src/word-lists.ts, regenerated on purpose by
 * scripts/vendor-word-lists.mjs): the realism of faker without its per-call cost, and without
 * its version — upgrading @faker-js/faker cannot change a byte of output. We pick from these
 * arrays with our own counter-based PRNG.
 */

function letters(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

function list(v: readonly string[]): string[] {
  return [...v];
}

export const FEMALE_FIRST = list(W.firstNameFemale);
export const MALE_FIRST = list(W.firstNameMale);
export const LAST = list(W.lastName);
/** Lower-case letters-only forms for emails/usernames (O'Keefe → okeefe). */
export const FEMALE_FIRST_LC = FEMALE_FIRST.map(letters);
export const MALE_FIRST_LC = MALE_FIRST.map(letters);
export const LAST_LC = LAST.map(letters);

export const JOB_DESCRIPTOR = list(W.jobDescriptor);
export const JOB_AREA = list(W.jobArea);
export const JOB_TYPE = list(W.jobType);

export const US_CITIES = list(W.cityName);
export const STREET_SUFFIX = list(W.streetSuffix);
export const STREET_NAME = list(W.streetName);

export const LEGAL_ENTITY = list(W.legalEntityType);
export const WORDS = list(W.loremWord).filter((w) => /^[a-z]+$/.test(w));
export const FREE_EMAIL = list(W.freeEmail);
export const DOMAIN_SUFFIX = list(W.domainSuffix);

export const PRODUCT_ADJECTIVE = list(W.productAdjective);
export const PRODUCT_MATERIAL = list(W.productMaterial);
export const PRODUCT = list(W.product);

/** Country → real cities, with a weight (share of rows). The US uses faker's (vendored) city list. */
const COUNTRY_CITIES: [string, number, string[]][] = [
  ['United States of America', 30, US_CITIES],
  ['India', 6, ['Mumbai', 'Delhi', 'Bengaluru', 'Hyderabad', 'Chennai', 'Kolkata', 'Pune', 'Ahmedabad', 'Jaipur', 'Lucknow']],
  ['United Kingdom', 6, ['London', 'Manchester', 'Birmingham', 'Leeds', 'Glasgow', 'Liverpool', 'Bristol', 'Edinburgh', 'Sheffield', 'Cardiff', 'Belfast', 'Nottingham']],
  ['Germany', 5, ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Frankfurt am Main', 'Stuttgart', 'Düsseldorf', 'Leipzig', 'Dortmund', 'Bremen', 'Dresden', 'Nuremberg']],
  ['France', 5, ['Paris', 'Marseille', 'Lyon', 'Toulouse', 'Nice', 'Nantes', 'Strasbourg', 'Montpellier', 'Bordeaux', 'Lille', 'Rennes']],
  ['Canada', 4, ['Toronto', 'Montréal', 'Vancouver', 'Calgary', 'Edmonton', 'Ottawa', 'Winnipeg', 'Québec City', 'Halifax', 'Victoria']],
  ['Brazil', 4, ['São Paulo', 'Rio de Janeiro', 'Brasília', 'Salvador', 'Fortaleza', 'Belo Horizonte', 'Curitiba', 'Recife', 'Porto Alegre']],
  ['Japan', 4, ['Tokyo', 'Osaka', 'Yokohama', 'Nagoya', 'Sapporo', 'Fukuoka', 'Kobe', 'Kyoto']],
  ['China', 4, ['Shanghai', 'Beijing', 'Shenzhen', 'Guangzhou', 'Chengdu', 'Wuhan', 'Hangzhou', "Xi'an"]],
  ['Mexico', 3, ['Mexico City', 'Guadalajara', 'Monterrey', 'Puebla', 'Tijuana', 'León', 'Mérida']],
  ['Spain', 3, ['Madrid', 'Barcelona', 'Valencia', 'Seville', 'Zaragoza', 'Málaga', 'Bilbao', 'Palma']],
  ['Italy', 3, ['Rome', 'Milan', 'Naples', 'Turin', 'Palermo', 'Genoa', 'Bologna', 'Florence', 'Venice']],
  ['Australia', 2, ['Sydney', 'Melbourne', 'Brisbane', 'Perth', 'Adelaide', 'Canberra', 'Hobart']],
  ['Netherlands', 2, ['Amsterdam', 'Rotterdam', 'The Hague', 'Utrecht', 'Eindhoven', 'Groningen']],
  ['Poland', 2, ['Warsaw', 'Kraków', 'Łódź', 'Wrocław', 'Poznań', 'Gdańsk']],
  ['South Korea', 2, ['Seoul', 'Busan', 'Incheon', 'Daegu', 'Daejeon']],
  ['Argentina', 1, ['Buenos Aires', 'Córdoba', 'Rosario', 'Mendoza', 'La Plata']],
  ['Sweden', 1, ['Stockholm', 'Gothenburg', 'Malmö', 'Uppsala']],
  ['Ireland', 1, ['Dublin', 'Cork', 'Limerick', 'Galway']],
  ['Switzerland', 1, ['Zurich', 'Geneva', 'Basel', 'Bern', 'Lausanne']],
  ['New Zealand', 1, ['Auckland', 'Wellington', 'Christchurch', 'Hamilton']],
  ['South Africa', 1, ['Johannesburg', 'Cape Town', 'Durban', 'Pretoria']],
  ['Nigeria', 1, ['Lagos', 'Abuja', 'Kano', 'Ibadan', 'Port Harcourt']],
  ['Egypt', 1, ['Cairo', 'Alexandria', 'Giza']],
  ['Kenya', 1, ['Nairobi', 'Mombasa', 'Kisumu']],
  ['Turkey', 1, ['Istanbul', 'Ankara', 'Izmir', 'Bursa', 'Antalya']],
  ['Singapore', 1, ['Singapore']],
];

export const COUNTRIES = COUNTRY_CITIES.map(([name]) => name);
export const CITIES_BY_COUNTRY = COUNTRY_CITIES.map(([, , cities]) => cities);
/** Cumulative country weights in [0, 1] for a single-draw weighted pick. */
export const COUNTRY_CUMULATIVE = cumulative(COUNTRY_CITIES.map(([, w]) => w));

/** Normalised cumulative weights: pick = first index whose bound exceeds a uniform draw. */
export function cumulative(weights: readonly number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    out[i] = acc;
  });
  out[weights.length - 1] = 1;
  return out;
}

/** Index picked by uniform draw `u` against cumulative weights. */
export function weightedIndex(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (cum[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
