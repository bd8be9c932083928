import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const pl: Catalogue = {
  'lang.name': 'Polski',
};

export default pl;
