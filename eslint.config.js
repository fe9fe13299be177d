// ESLint flat config: typescript-eslint strict rules, ordered imports, and Nx module boundaries.
const nx = require('@nx/eslint-plugin');
const tseslint = require('typescript-eslint');
const simpleImportSort = require('eslint-plugin-simple-import-sort');

// Test code: specs, the test-only folders (`apps/<app>/test/`, `libs/<lib>/test/`), fixtures, the e2e app and
// libs/testing itself. Everything else under apps/*/src and libs/*/src is production code.
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.integration-spec.ts',
  '**/*.e2e-spec.ts',
  '**/*.fixtures.ts',
  '{apps,libs}/*/test/**/*.ts',
  'apps/e2e/**/*.ts',
  'libs/testing/**/*.ts',
];
const PRODUCTION_FILES = ['apps/*/src/**/*.ts', 'libs/*/src/**/*.ts'];

/** Nx tags as boundaries; `type:testing` only for test code. */
function moduleBoundaries({ testing }) {
  const withTesting = (tags) => (testing ? [...tags, 'type:testing'] : tags);
  return [
    'error',
    {
      enforceBuildableLibDependency: false,
      allow: [],
      depConstraints: [
        { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: withTesting(['type:contracts']) },
        { sourceTag: 'type:util', onlyDependOnLibsWithTags: withTesting(['type:util', 'type:contracts']) },
        {
          sourceTag: 'type:infra',
          onlyDependOnLibsWithTags: withTesting(['type:infra', 'type:util', 'type:contracts']),
        },
        {
          sourceTag: 'type:testing',
          onlyDependOnLibsWithTags: ['type:testing', 'type:infra', 'type:util', 'type:contracts'],
        },
        {
          sourceTag: 'type:app',
          onlyDependOnLibsWithTags: withTesting(['type:contracts', 'type:infra', 'type:util']),
        },
        {
          sourceTag: 'scope:connector',
          onlyDependOnLibsWithTags: ['scope:shared', 'scope:connector-kit'],
        },
        {
          sourceTag: 'scope:connector-kit',
          onlyDependOnLibsWithTags: ['scope:shared', 'scope:connector-kit'],
        },
        { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
      ],
    },
  ];
}

module.exports = tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.stack/**', '.nx/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      // Keeps consistent-type-imports from turning DI constructor parameters into type-only imports.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { '@nx': nx, 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@nx/enforce-module-boundaries': moduleBoundaries({ testing: false }),
    },
  },
  {
    // Test code may use the testing lib (Nx) and test folders.
    files: TEST_FILES,
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries({ testing: true }) },
  },
  {
    // Production code may not, whatever the tags say: a clear message instead of a tag mismatch.
    files: PRODUCTION_FILES,
    ignores: TEST_FILES,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@practice-sync/testing',
              message:
                'Test helpers are for specs (*.spec.ts, *.integration-spec.ts, *.e2e-spec.ts) and test/ folders only.',
            },
          ],
          patterns: [
            {
              regex: '(^|/)(test|testing)/|\\.(spec|integration-spec|e2e-spec|fixtures)$',
              message: 'Production code may not import test code (test/ folders, specs, fixtures).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
