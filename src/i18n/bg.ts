import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const bg: Catalogue = {
  'lang.name': 'Български',
};

export default bg;
