// Typed rules: a promise is awaited or explicitly voided (an unhandled rejection kills a process
// mid-job), a promise is never passed where a callback's result is ignored, switches are exhaustive.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.rowflow/**', 'test-output/**', 'bench-output/**', '**/*.js', '**/*.mjs', 'vitest.config.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./libs/*/tsconfig.json', './apps/*/tsconfig.json', './tools/*/tsconfig.json', './bench/tsconfig.json', './tsconfig.spec.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Libs are framework-free cores whose types are the contract between apps: no `any` there.
    files: ['libs/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'error' },
  },
  {
    files: ['**/*.spec.ts', 'test/**/*.ts', 'apps/web/**/*.tsx', 'apps/web/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
