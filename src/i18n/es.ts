import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const es: Catalogue = {
  'lang.name': 'Español',
};

export default es;
