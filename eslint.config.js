import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { layers } from './eslint.layers.js';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'bin/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    // Every failure is handled, logged or rethrown: an empty catch block needs a comment saying why
    // (no-empty), and a promise's failure is never dropped without a word (main/log.ts: log.ignored).
    files: ['main/**/*.ts', 'electron/**/*.ts'],
    rules: {
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "CallExpression[callee.property.name='catch'] > ArrowFunctionExpression[params.length=0][body.type='BlockStatement'][body.body.length=0]",
          message: "A dropped failure is logged: .catch(log.ignored('what was tried')) from main/log.ts.",
        },
      ],
    },
  },
  // What each folder may import (README "Developing"): the layering, enforced.
  ...layers,
  {
    files: ['eslint.config.js', 'eslint.layers.js', 'scripts/**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: globals.node },
  },
);
