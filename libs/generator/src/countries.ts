import { CITIES_BY_COUNTRY, COUNTRIES } from './dictionaries.js';

/**
 * What a row's country decides about its other location columns: the calling code and national
 * number layouts of its phones, its postcode layouts, how its streets are written and its cities.
 * Layouts follow the national numbering plans and postal formats (the same ones faker's locales
 * use); patterns use `#` any digit, `!` a digit 2-9 (no leading 0/1 in an area or exchange code)
 * and `@` a capital letter. Written by hand and fixed: a faker upgrade cannot change a byte.
 */
export interface Region {
  name: string;
  iso2: string;
  iso3: string;
  /** Other spellings a country column may hold (`USA`, `Deutschland`, `UK` …). */
  aliases: readonly string[];
  calling: string;
  /** National number layouts; every phone is written `+<calling> <layout>`. */
  phones: readonly string[];
  postcodes: readonly string[];
  /** Street forms: `{s}` a street name of `streets`, `{n}` a house number 1-199, `{d}` 1-9. Empty: the English form. */
  streetForms: readonly string[];
  streets: readonly string[];
  cities: readonly string[];
  states: readonly string[];
}

const GERMANIC_ROOTS = ['Haupt', 'Bahnhof', 'Schul', 'Garten', 'Kirch', 'Berg', 'Wald', 'Linden', 'Birken', 'Feld', 'Mühlen', 'Goethe', 'Schiller', 'Mozart', 'Rosen', 'Sonnen', 'Park', 'Markt'];
const SPANISH_STREETS = ['Mayor', 'Real', 'de Alcalá', 'del Sol', 'de la Constitución', 'San Juan', 'Santa María', 'Hidalgo', 'Juárez', 'de la Reforma', 'Independencia', 'San Martín', 'Belgrano', 'Rivadavia', 'de Cervantes'];
const PORTUGUESE_STREETS = ['das Flores', 'São João', 'Dom Pedro II', 'da Liberdade', 'Sete de Setembro', 'XV de Novembro', 'Tiradentes', 'do Comércio', 'Santos Dumont', 'da Paz', 'Augusta', 'da Prata'];
const ENGLISH: readonly string[] = [];

/** The location entity's countries first (same order as its weighted draw), then code-list-only ones. */
const TABLE: Omit<Region, 'cities' | 'states'>[] = [
  { name: 'United States of America', iso2: 'US', iso3: 'USA', aliases: ['United States', 'US of A', 'America', 'U.S.', 'U.S.A.'], calling: '1', phones: ['(!##) !##-####', '!##-!##-####', '!##.!##.####'], postcodes: ['#####', '#####-####'], streetForms: ENGLISH, streets: [] },
  { name: 'India', iso2: 'IN', iso3: 'IND', aliases: ['Bharat'], calling: '91', phones: ['9#### #####', '8#### #####', '7#### #####', '!# #### ####'], postcodes: ['!#####'], streetForms: ['{n} {s} Road', '{n} {s} Marg', '{n} {s} Street'], streets: ['MG', 'Gandhi', 'Nehru', 'Station', 'Park', 'Temple', 'Lake', 'Church', 'Patel', 'Tilak', 'Ring', 'Market'] },
  { name: 'United Kingdom', iso2: 'GB', iso3: 'GBR', aliases: ['UK', 'U.K.', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland', 'United Kingdom of Great Britain and Northern Ireland'], calling: '44', phones: ['7### ######', '20 #### ####', '1### ######', '161 ### ####'], postcodes: ['@@# #@@', '@# #@@', '@@## #@@', '@## #@@'], streetForms: ['{n} {s} Road', '{n} {s} Street', '{n} {s} Lane', '{n} {s} Close', '{n} {s} Avenue', '{n} {s} Gardens'], streets: ['High', 'Church', 'Station', 'Victoria', 'Park', 'Mill', 'Green', 'Manor', 'Kings', 'Queens', 'Grange', 'Albert', 'York', 'London'] },
  { name: 'Germany', iso2: 'DE', iso3: 'DEU', aliases: ['Deutschland', 'Federal Republic of Germany'], calling: '49', phones: ['15# ########', '17# #######', '30 ########', '89 #######', '!## #######'], postcodes: ['#####'], streetForms: ['{s}straße {n}', '{s}weg {n}', '{s}allee {n}', '{s}gasse {n}', '{s}platz {n}'], streets: GERMANIC_ROOTS },
  { name: 'France', iso2: 'FR', iso3: 'FRA', aliases: ['French Republic'], calling: '33', phones: ['6 ## ## ## ##', '7 ## ## ## ##', '1 ## ## ## ##', '! ## ## ## ##'], postcodes: ['#####'], streetForms: ['{n} rue {s}', '{n} avenue {s}', '{n} boulevard {s}', '{n} place {s}'], streets: ['de la Paix', 'Victor Hugo', 'Jean Jaurès', 'de la République', 'Pasteur', 'du Moulin', 'des Lilas', 'de la Gare', 'Voltaire', 'Gambetta', 'du Général de Gaulle', 'Nationale'] },
  { name: 'Canada', iso2: 'CA', iso3: 'CAN', aliases: [], calling: '1', phones: ['(!##) !##-####', '!##-!##-####'], postcodes: ['@#@ #@#'], streetForms: ENGLISH, streets: [] },
  { name: 'Brazil', iso2: 'BR', iso3: 'BRA', aliases: ['Brasil'], calling: '55', phones: ['(!#) 9####-####', '(!#) ####-####'], postcodes: ['#####-###'], streetForms: ['Rua {s} {n}', 'Avenida {s} {n}', 'Travessa {s} {n}'], streets: PORTUGUESE_STREETS },
  { name: 'Japan', iso2: 'JP', iso3: 'JPN', aliases: ['Nippon', 'Nihon'], calling: '81', phones: ['90-####-####', '80-####-####', '3-####-####', '6-####-####'], postcodes: ['###-####'], streetForms: ['{d}-{d}-{d} {s}'], streets: ['Shibuya', 'Shinjuku', 'Minato', 'Chuo', 'Nakano', 'Meguro', 'Setagaya', 'Toshima', 'Umeda', 'Namba', 'Sakae', 'Tenjin'] },
  { name: 'China', iso2: 'CN', iso3: 'CHN', aliases: ["People's Republic of China", 'PRC'], calling: '86', phones: ['13# #### ####', '15# #### ####', '18# #### ####', '10 #### ####'], postcodes: ['!#####'], streetForms: ['{n} {s} Road', '{n} {s} Street'], streets: ['Nanjing', 'Zhongshan', 'Renmin', 'Jiefang', 'Huaihai', 'Beijing', 'Changan', 'Heping', 'Jianguo', 'Xinhua'] },
  { name: 'Mexico', iso2: 'MX', iso3: 'MEX', aliases: ['México'], calling: '52', phones: ['55 #### ####', '33 #### ####', '81 #### ####', '!## ### ####'], postcodes: ['#####'], streetForms: ['Calle {s} {n}', 'Avenida {s} {n}'], streets: SPANISH_STREETS },
  { name: 'Spain', iso2: 'ES', iso3: 'ESP', aliases: ['España', 'Espana'], calling: '34', phones: ['6## ### ###', '9## ### ###'], postcodes: ['#####'], streetForms: ['Calle {s} {n}', 'Avenida {s} {n}', 'Paseo {s} {n}', 'Plaza {s} {n}'], streets: SPANISH_STREETS },
  { name: 'Italy', iso2: 'IT', iso3: 'ITA', aliases: ['Italia'], calling: '39', phones: ['3## ### ####', '06 #### ####', '02 #### ####'], postcodes: ['#####'], streetForms: ['Via {s} {n}', 'Viale {s} {n}', 'Corso {s} {n}', 'Piazza {s} {n}'], streets: ['Roma', 'Garibaldi', 'Mazzini', 'Dante', 'Verdi', 'Cavour', 'Vittorio Emanuele', 'Marconi', 'della Repubblica', 'dei Mille', 'Manzoni', 'XX Settembre'] },
  { name: 'Australia', iso2: 'AU', iso3: 'AUS', aliases: [], calling: '61', phones: ['4## ### ###', '2 #### ####', '3 #### ####', '7 #### ####'], postcodes: ['!###'], streetForms: ENGLISH, streets: [] },
  { name: 'Netherlands', iso2: 'NL', iso3: 'NLD', aliases: ['The Netherlands', 'Holland', 'Nederland'], calling: '31', phones: ['6 ########', '20 ### ####', '10 ### ####'], postcodes: ['!### @@'], streetForms: ['{s}straat {n}', '{s}laan {n}', '{s}weg {n}', '{s}gracht {n}'], streets: ['Kerk', 'Molen', 'Dorps', 'School', 'Stations', 'Prinsen', 'Heren', 'Keizers', 'Linden', 'Beuken', 'Markt', 'Wilhelmina'] },
  { name: 'Poland', iso2: 'PL', iso3: 'POL', aliases: ['Polska'], calling: '48', phones: ['!## ### ###'], postcodes: ['##-###'], streetForms: ['ul. {s} {n}', 'al. {s} {n}'], streets: ['Długa', 'Krótka', 'Polna', 'Leśna', 'Słoneczna', 'Ogrodowa', 'Lipowa', 'Mickiewicza', 'Kościuszki', 'Sienkiewicza', 'Piłsudskiego', 'Kwiatowa'] },
  { name: 'South Korea', iso2: 'KR', iso3: 'KOR', aliases: ['Korea', 'Republic of Korea', 'Korea, Republic of'], calling: '82', phones: ['10-####-####', '2-###-####', '51-###-####'], postcodes: ['#####'], streetForms: ['{n} {s}'], streets: ['Teheran-ro', 'Sejong-daero', 'Gangnam-daero', 'Olympic-ro', 'Jong-ro', 'Eulji-ro', 'Hangang-daero', 'Haeundae-ro'] },
  { name: 'Argentina', iso2: 'AR', iso3: 'ARG', aliases: [], calling: '54', phones: ['9 11 ####-####', '11 ####-####', '351 ###-####'], postcodes: ['@####@@@', '####'], streetForms: ['Av. {s} {n}', 'Calle {s} {n}'], streets: SPANISH_STREETS },
  { name: 'Sweden', iso2: 'SE', iso3: 'SWE', aliases: ['Sverige'], calling: '46', phones: ['7# ### ## ##', '8 ### ### ##', '31 ### ## ##'], postcodes: ['!## ##'], streetForms: ['{s}gatan {n}', '{s}vägen {n}'], streets: ['Stor', 'Kungs', 'Drottning', 'Skol', 'Kyrko', 'Björk', 'Ek', 'Sjö', 'Torg', 'Park'] },
  { name: 'Ireland', iso2: 'IE', iso3: 'IRL', aliases: ['Éire', 'Eire', 'Republic of Ireland'], calling: '353', phones: ['8# ### ####', '1 ### ####', '21 ### ####'], postcodes: ['@## @#@#', '@## @@#@'], streetForms: ENGLISH, streets: [] },
  { name: 'Switzerland', iso2: 'CH', iso3: 'CHE', aliases: ['Schweiz', 'Suisse', 'Svizzera'], calling: '41', phones: ['7# ### ## ##', '44 ### ## ##', '22 ### ## ##'], postcodes: ['!###'], streetForms: ['{s}strasse {n}', '{s}weg {n}', '{s}gasse {n}'], streets: GERMANIC_ROOTS },
  { name: 'New Zealand', iso2: 'NZ', iso3: 'NZL', aliases: ['Aotearoa'], calling: '64', phones: ['2# ### ####', '9 ### ####', '4 ### ####'], postcodes: ['####'], streetForms: ENGLISH, streets: [] },
  { name: 'South Africa', iso2: 'ZA', iso3: 'ZAF', aliases: [], calling: '27', phones: ['!# ### ####'], postcodes: ['####'], streetForms: ENGLISH, streets: [] },
  { name: 'Nigeria', iso2: 'NG', iso3: 'NGA', aliases: [], calling: '234', phones: ['80# ### ####', '70# ### ####', '81# ### ####'], postcodes: ['!#####'], streetForms: ENGLISH, streets: [] },
  { name: 'Egypt', iso2: 'EG', iso3: 'EGY', aliases: ['Misr'], calling: '20', phones: ['1## ### ####', '2 #### ####'], postcodes: ['#####'], streetForms: ['{n} {s} Street'], streets: ['Tahrir', 'El Nasr', 'Ramses', 'Salah Salem', 'El Haram', 'Port Said', 'Talaat Harb', 'Gamal Abdel Nasser'] },
  { name: 'Kenya', iso2: 'KE', iso3: 'KEN', aliases: [], calling: '254', phones: ['7## ######', '20 #######'], postcodes: ['#####'], streetForms: ENGLISH, streets: [] },
  { name: 'Turkey', iso2: 'TR', iso3: 'TUR', aliases: ['Türkiye', 'Turkiye'], calling: '90', phones: ['5## ### ## ##', '212 ### ## ##', '312 ### ## ##'], postcodes: ['#####'], streetForms: ['{s} Caddesi No: {n}', '{s} Sokak No: {n}'], streets: ['Atatürk', 'İstiklal', 'Cumhuriyet', 'Bağdat', 'Gazi', 'Fevzi Çakmak', 'Mimar Sinan', 'Okul', 'Lale', 'Çamlık'] },
  { name: 'Singapore', iso2: 'SG', iso3: 'SGP', aliases: [], calling: '65', phones: ['8### ####', '9### ####', '6### ####'], postcodes: ['######'], streetForms: ENGLISH, streets: [] },
  // Code-list countries without a share of the location entity's draws: reached only through a country column.
  { name: 'Belgium', iso2: 'BE', iso3: 'BEL', aliases: ['België', 'Belgique'], calling: '32', phones: ['4## ## ## ##', '2 ### ## ##', '3 ### ## ##'], postcodes: ['!###'], streetForms: ['{s}straat {n}', '{s}laan {n}'], streets: ['Kerk', 'Molen', 'Dorps', 'School', 'Stations', 'Linden', 'Markt', 'Koning'] },
  { name: 'Austria', iso2: 'AT', iso3: 'AUT', aliases: ['Österreich', 'Osterreich'], calling: '43', phones: ['6## #######', '1 #######'], postcodes: ['!###'], streetForms: ['{s}straße {n}', '{s}gasse {n}', '{s}weg {n}'], streets: GERMANIC_ROOTS },
  { name: 'Denmark', iso2: 'DK', iso3: 'DNK', aliases: ['Danmark'], calling: '45', phones: ['!# ## ## ##'], postcodes: ['!###'], streetForms: ['{s}vej {n}', '{s}gade {n}'], streets: ['Skole', 'Kirke', 'Mølle', 'Birke', 'Strand', 'Skov', 'Park', 'Torve'] },
  { name: 'Norway', iso2: 'NO', iso3: 'NOR', aliases: ['Norge'], calling: '47', phones: ['4# ## ## ##', '9# ## ## ##', '2# ## ## ##'], postcodes: ['####'], streetForms: ['{s}veien {n}', '{s}gata {n}'], streets: ['Skole', 'Kirke', 'Stor', 'Bjørke', 'Strand', 'Skog', 'Park', 'Fjord'] },
  { name: 'Finland', iso2: 'FI', iso3: 'FIN', aliases: ['Suomi'], calling: '358', phones: ['4# ### ####', '50 ### ####', '9 ### ####'], postcodes: ['#####'], streetForms: ['{s}katu {n}', '{s}tie {n}'], streets: ['Mannerheimin', 'Koulu', 'Kirkko', 'Asema', 'Puisto', 'Ranta', 'Koivu', 'Mänty'] },
  { name: 'Portugal', iso2: 'PT', iso3: 'PRT', aliases: [], calling: '351', phones: ['9## ### ###', '21# ### ###', '22# ### ###'], postcodes: ['!###-###'], streetForms: ['Rua {s} {n}', 'Avenida {s} {n}', 'Travessa {s} {n}'], streets: PORTUGUESE_STREETS },
  { name: 'Czech Republic', iso2: 'CZ', iso3: 'CZE', aliases: ['Czechia', 'Česko'], calling: '420', phones: ['!## ### ###'], postcodes: ['!## ##'], streetForms: ['{s} {n}'], streets: ['Národní', 'Masarykova', 'Husova', 'Nádražní', 'Školní', 'Palackého', 'Komenského', 'Zahradní'] },
  { name: 'Hungary', iso2: 'HU', iso3: 'HUN', aliases: ['Magyarország'], calling: '36', phones: ['20 ### ####', '30 ### ####', '1 ### ####'], postcodes: ['!###'], streetForms: ['{s} utca {n}', '{s} út {n}'], streets: ['Petőfi', 'Kossuth', 'Rákóczi', 'Dózsa György', 'Széchenyi', 'Ady Endre', 'Arany János', 'Béke'] },
  { name: 'Chile', iso2: 'CL', iso3: 'CHL', aliases: [], calling: '56', phones: ['9 #### ####', '2 #### ####'], postcodes: ['#######'], streetForms: ['Calle {s} {n}', 'Avenida {s} {n}'], streets: SPANISH_STREETS },
];

/** First-level divisions (states, provinces, Länder, regions) as the country's addresses name them. */
const STATES: Record<string, readonly string[]> = {
  "United States of America": ["Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut", "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas", "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota", "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota", "Ohio", "Oklahoma", "Oregon", "Pennsylvania", "Rhode Island", "South Carolina", "South Dakota", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "West Virginia", "Wisconsin", "Wyoming"],
  India: ["Maharashtra", "Delhi", "Karnataka", "Telangana", "Tamil Nadu", "West Bengal", "Gujarat", "Rajasthan", "Uttar Pradesh", "Kerala", "Punjab", "Bihar"],
  "United Kingdom": ["England", "Scotland", "Wales", "Northern Ireland"],
  Germany: ["Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg", "Hessen", "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein", "Thüringen"],
  France: ["Île-de-France", "Auvergne-Rhône-Alpes", "Provence-Alpes-Côte d'Azur", "Occitanie", "Nouvelle-Aquitaine", "Hauts-de-France", "Grand Est", "Bretagne", "Normandie", "Pays de la Loire"],
  Canada: ["Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan", "Nova Scotia", "New Brunswick", "Newfoundland and Labrador", "Prince Edward Island"],
  Brazil: ["São Paulo", "Rio de Janeiro", "Minas Gerais", "Bahia", "Paraná", "Rio Grande do Sul", "Pernambuco", "Ceará", "Distrito Federal", "Santa Catarina"],
  Japan: ["Tokyo", "Osaka", "Kanagawa", "Aichi", "Hokkaido", "Fukuoka", "Hyogo", "Kyoto", "Saitama", "Chiba"],
  China: ["Guangdong", "Shanghai", "Beijing", "Sichuan", "Zhejiang", "Jiangsu", "Hubei", "Shaanxi", "Shandong", "Fujian"],
  Mexico: ["Ciudad de México", "Jalisco", "Nuevo León", "Puebla", "Baja California", "Guanajuato", "Yucatán", "Estado de México", "Veracruz"],
  Spain: ["Madrid", "Cataluña", "Andalucía", "Comunidad Valenciana", "Galicia", "País Vasco", "Castilla y León", "Aragón", "Islas Baleares"],
  Italy: ["Lazio", "Lombardia", "Campania", "Piemonte", "Sicilia", "Liguria", "Emilia-Romagna", "Toscana", "Veneto", "Puglia"],
  Australia: ["New South Wales", "Victoria", "Queensland", "Western Australia", "South Australia", "Tasmania", "Australian Capital Territory", "Northern Territory"],
  Netherlands: ["Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Groningen", "Gelderland", "Overijssel", "Limburg"],
  Poland: ["Mazowieckie", "Małopolskie", "Łódzkie", "Dolnośląskie", "Wielkopolskie", "Pomorskie", "Śląskie"],
  "South Korea": ["Seoul", "Busan", "Incheon", "Daegu", "Daejeon", "Gyeonggi-do", "Gangwon-do"],
  Argentina: ["Buenos Aires", "Córdoba", "Santa Fe", "Mendoza", "Tucumán", "Salta"],
  Sweden: ["Stockholms län", "Västra Götalands län", "Skåne län", "Uppsala län", "Östergötlands län"],
  Ireland: ["Dublin", "Cork", "Limerick", "Galway", "Kerry", "Wicklow"],
  Switzerland: ["Zürich", "Genève", "Basel-Stadt", "Bern", "Vaud", "Luzern", "Ticino"],
  "New Zealand": ["Auckland", "Wellington", "Canterbury", "Waikato", "Otago", "Bay of Plenty"],
  "South Africa": ["Gauteng", "Western Cape", "KwaZulu-Natal", "Eastern Cape", "Free State", "Limpopo"],
  Nigeria: ["Lagos", "Federal Capital Territory", "Kano", "Oyo", "Rivers", "Kaduna"],
  Egypt: ["Cairo", "Alexandria", "Giza", "Qalyubia", "Sharqia"],
  Kenya: ["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Kiambu"],
  Turkey: ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya"],
  Singapore: ["Central Region", "East Region", "North Region", "North-East Region", "West Region"],
  Belgium: ["Brussels-Capital", "Flanders", "Wallonia"],
  Austria: ["Wien", "Steiermark", "Oberösterreich", "Salzburg", "Tirol", "Niederösterreich"],
  Denmark: ["Hovedstaden", "Midtjylland", "Syddanmark", "Nordjylland", "Sjælland"],
  Norway: ["Oslo", "Vestland", "Trøndelag", "Rogaland", "Viken"],
  Finland: ["Uusimaa", "Pirkanmaa", "Varsinais-Suomi", "Pohjois-Pohjanmaa"],
  Portugal: ["Lisboa", "Porto", "Braga", "Coimbra", "Faro", "Setúbal"],
  "Czech Republic": ["Praha", "Jihomoravský kraj", "Moravskoslezský kraj", "Plzeňský kraj", "Olomoucký kraj"],
  Hungary: ["Budapest", "Pest", "Hajdú-Bihar", "Csongrád-Csanád", "Borsod-Abaúj-Zemplén", "Baranya"],
  Chile: ["Región Metropolitana", "Valparaíso", "Biobío", "Antofagasta", "Araucanía"],
};

const EXTRA_CITIES: Record<string, readonly string[]> = {
  Belgium: ['Brussels', 'Antwerp', 'Ghent', 'Charleroi', 'Liège', 'Bruges', 'Leuven'],
  Austria: ['Vienna', 'Graz', 'Linz', 'Salzburg', 'Innsbruck'],
  Denmark: ['Copenhagen', 'Aarhus', 'Odense', 'Aalborg'],
  Norway: ['Oslo', 'Bergen', 'Trondheim', 'Stavanger'],
  Finland: ['Helsinki', 'Espoo', 'Tampere', 'Vantaa', 'Oulu'],
  Portugal: ['Lisbon', 'Porto', 'Braga', 'Coimbra', 'Faro'],
  'Czech Republic': ['Prague', 'Brno', 'Ostrava', 'Plzeň', 'Olomouc'],
  Hungary: ['Budapest', 'Debrecen', 'Szeged', 'Miskolc', 'Pécs'],
  Chile: ['Santiago', 'Valparaíso', 'Concepción', 'Antofagasta', 'Viña del Mar'],
};

/** Every region, the location entity's countries at the same indexes as its draw. */
export const REGIONS: readonly Region[] = TABLE.map((r) => {
  const at = COUNTRIES.indexOf(r.name);
  return { ...r, cities: at >= 0 ? (CITIES_BY_COUNTRY[at] as string[]) : (EXTRA_CITIES[r.name] ?? [r.name]), states: STATES[r.name] ?? [r.name] };
});

if (COUNTRIES.some((name, i) => REGIONS[i]?.name !== name)) throw new Error('REGIONS must start with the location entity countries, in order');

/** A country spelling reduced to its letters, lower case, without accents (`U.S.A.` → `usa`). */
function letters(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const BY_SPELLING = new Map<string, number>();
REGIONS.forEach((r, i) => {
  for (const s of [r.name, r.iso2, r.iso3, ...r.aliases]) if (!BY_SPELLING.has(letters(s))) BY_SPELLING.set(letters(s), i);
});

/** Region index of a country value (name, ISO 3166 alpha-2 or alpha-3 code, common alias), or -1. */
export function regionOf(value: unknown): number {
  if (typeof value !== 'string' || value.length === 0 || value.length > 80) return -1;
  return BY_SPELLING.get(letters(value)) ?? -1;
}
