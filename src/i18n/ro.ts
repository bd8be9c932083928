import type { Catalogue } from './index.js';

/** Partial catalogue: missing keys fall back to English. */
const ro: Catalogue = {
  'lang.name': 'Română',
};

export default ro;
