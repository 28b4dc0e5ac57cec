import { faker } from '@faker-js/faker/locale/en';

// The `en` build only (not the package index, which loads every locale: ~30 MB more RSS).
const en = faker.rawDefinitions;

/**
 * Word lists taken once from faker's `en` locale (the realism of faker without its per-call
 * cost: we pick from these arrays with our own counter-based PRNG).
 */

function letters(s: string): string {
  return s.toLowerCase().replace(/[^a-z]/g, '');
}

function list(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) throw new Error('faker locale data missing a word list');
  return v.filter((x): x is string => typeof x === 'string');
}

const person = en.person ?? {};
const firstNames = person.first_name as { female?: string[]; male?: string[]; generic?: string[] } | undefined;
const lastNames = person.last_name as { generic?: string[] } | undefined;

export const FEMALE_FIRST = list(firstNames?.female);
export const MALE_FIRST = list(firstNames?.male);
export const LAST = list(lastNames?.generic);
/** Lower-case letters-only forms for emails/usernames (O'Keefe → okeefe). */
export const FEMALE_FIRST_LC = FEMALE_FIRST.map(letters);
export const MALE_FIRST_LC = MALE_FIRST.map(letters);
export const LAST_LC = LAST.map(letters);

export const JOB_DESCRIPTOR = list(person.job_descriptor);
export const JOB_AREA = list(person.job_area);
export const JOB_TYPE = list(person.job_type);

export const US_CITIES = list(en.location?.city_name);
export const STREET_SUFFIX = list(en.location?.street_suffix);
export const STREET_NAME = list(en.location?.street_name);

export const LEGAL_ENTITY = list(en.company?.legal_entity_type);
export const WORDS = list(en.lorem?.word).filter((w) => /^[a-z]+$/.test(w));
export const FREE_EMAIL = list(en.internet?.free_email);
export const DOMAIN_SUFFIX = list(en.internet?.domain_suffix);
export const PHONE_FORMATS = list((en.phone_number?.format as { human?: string[] } | undefined)?.human);

const productName = en.commerce?.product_name as { adjective?: string[]; material?: string[]; product?: string[] } | undefined;
export const PRODUCT_ADJECTIVE = list(productName?.adjective);
export const PRODUCT_MATERIAL = list(productName?.material);
export const PRODUCT = list(productName?.product);

/** Country → real cities, with a weight (share of rows). The US uses faker's city list. */
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
