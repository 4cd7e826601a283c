// ESLint (flat config) for the repository's JavaScript: eslint's recommended rules, with the
// globals of where each part runs (the package in Node and browsers, the demo page in a browser,
// tests, scripts and bench in Node). Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['**/node_modules/**', 'npm/dist/**', 'web/vendor/**', 'build/**', '.third_party/**'],
  },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser, WebAssembly: 'readonly' },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.cjs', 'tests/consumers/projects/jest-cjs/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
  },
  {
    // The consumer matrix's Jest projects: Jest's globals (test, expect), as a user's tests have them.
    files: ['tests/consumers/projects/jest-*/**'],
    languageOptions: { globals: { ...globals.jest } },
  },
];
