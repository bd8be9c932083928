/** Zones as people name them: cities, countries in the site's languages, and a browser's language. */
import { describe, expect, it } from 'vitest';
import { isValidZone, likelyZone, validateZone } from '../../../src/core/time/index.js';

describe('zones named by a city or a country', () => {
  it.each([
    ['Bucharest', 'Europe/Bucharest'],
    ['bucharest', 'Europe/Bucharest'],
    ['New York', 'America/New_York'],
    ['Sao Paulo', 'America/Sao_Paulo'],
    ['São Paulo', 'America/Sao_Paulo'],
    ['Thessaloniki', 'Europe/Athens'],
    ['Porto', 'Europe/Lisbon'],
    ['Portugal', 'Europe/Lisbon'],
    ['Ελλάδα', 'Europe/Athens'],
    ['Lietuva', 'Europe/Vilnius'],
    ['Polska', 'Europe/Warsaw'],
    ['Кипър', 'Asia/Nicosia'],
    ['europe/athens', 'Europe/Athens'],
  ])('"%s" is %s', (text, zone) => {
    expect(validateZone(text)).toBe(zone);
  });

  it('refuses what names no single zone, naming the field', () => {
    for (const text of ['Atlantis', 'Etc/GMT+2', '+02:00', 'Springfield']) {
      expect(() => validateZone(text, 'zone')).toThrow(expect.objectContaining({ field: 'zone', code: 'zone_invalid' }));
    }
  });

  it('keeps the strict check strict: a cookie or an API field must be an IANA name', () => {
    expect(isValidZone('Europe/Bucharest')).toBe(true);
    expect(isValidZone('Bucharest')).toBe(false);
  });
});

describe('the zone a browser\'s language most likely means', () => {
  it.each([
    ['en-US,en;q=0.9', 'America/New_York'],
    ['el-GR,el;q=0.9', 'Europe/Athens'],
    ['el', 'Europe/Athens'],
    ['ro', 'Europe/Bucharest'],
    ['lt-LT', 'Europe/Vilnius'],
    ['es-ES', 'Europe/Madrid'],
    ['pt-PT,pt;q=0.8', 'Europe/Lisbon'],
    ['bg', 'Europe/Sofia'],
    ['de-AT', 'Europe/Vienna'],
    ['*', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, zone) => {
    expect(likelyZone(header)).toBe(zone);
  });
});
