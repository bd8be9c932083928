import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const lt: Catalogue = {
  'lang.name': 'Lietuvių',
};

export default lt;
