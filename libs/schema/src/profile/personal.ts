/**
 * Name parts that mark a column as personal or secret: literal values of such a column are never
 * copied from statistics, whatever their distribution looks like.
 */
const PERSONAL = new Set(
  [
    'email mail name firstname lastname surname fullname username login nick nickname handle',
    'phone mobile cell fax tel telephone address addr street city district zip postal postcode',
    'ip ipaddress mac token secret password passwd pass pwd hash salt key apikey otp pin',
    'ssn sin nin social tax vat iban bic swift card account passport license licence',
    'birth birthday birthdate dob age gender sex lat latitude lon lng longitude geo location',
    'note notes comment comments bio body message description memo',
    'ua useragent session cookie device serial',
  ]
    .join(' ')
    .split(' '),
);

/** Words of an identifier: `contact_email`, `contactEmail`, `ContactEMail` → contact, email. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((w) => w.toLowerCase())
    .filter((w) => w.length > 0);
}

/** True when a column's name (or the whole name run together, `emailaddress`) looks personal. */
export function looksPersonal(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => PERSONAL.has(w)) || PERSONAL.has(words.join('')) || /e_?mail|passw|secret|token/i.test(name);
}
