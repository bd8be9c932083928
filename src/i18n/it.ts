import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const it: Catalogue = {
  'lang.name': 'Italiano',
};

export default it;
