/**
 * Module boundaries (`npm run deps`, a step of `npm test`):
 * - core (src/core) is shared machinery and never imports a feature module;
 * - a feature module (src/modules/<feature>) reaches another only through that module's index.ts;
 * - nothing outside a module reaches into it except through its index.ts.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-module',
      comment: 'src/core is shared machinery: it never imports a feature module.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'modules-through-index',
      comment: 'Another module is reached only through its index.ts.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] },
    },
    {
      name: 'outside-through-index',
      comment: 'Code outside the modules reaches a module only through its index.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/modules/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/[^/]+/index\\.ts$' },
    },
    {
      name: 'no-circular-core',
      comment: 'Core has no import cycles (the catalogues naming their own type from i18n/index.ts are type-only).',
      severity: 'error',
      from: { path: '^src/core/', pathNot: '^src/core/i18n/' },
      to: { circular: true, path: '^src/core/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
