// ESLint flat config: JavaScript's and typescript-eslint's recommended rules;
// formatting is Prettier's (eslint-config-prettier turns the overlapping rules off).
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'coverage/', '.cache/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore marks what is deliberately left unused (the rest of a destructuring, a callback's first argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }]
    }
  },
  {
    // The bin and jest's config are CommonJS scripts Node loads directly.
    files: ['bin/**/*.js', 'jest.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' }
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // What ships to Segment runs in its sandbox: no tools, no Node built-ins, no packages (docs/architecture.md).
    files: ['functions/**/*.ts', 'src/destination/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/tools/**', '**/tools'], message: 'The destination never imports tools.' },
            { regex: '^(node:|[^.])', message: 'Segment runs the function without Node built-ins or packages.' }
          ]
        }
      ]
    }
  },
  {
    // Tests read Braze's and Segment's JSON as it comes: untyped.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  prettier
)
