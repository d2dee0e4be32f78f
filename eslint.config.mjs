// Flat config: typescript-eslint's type-aware rules on TypeScript; plain rules on the .mjs scripts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.vscode-test/**', 'artifacts/**'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // The floors of the layout (CONTRIBUTING.md, "Layout"). The core and the simulator run in plain
    // Node: no VS Code API, and nothing from the extension layer above them.
    files: ['src/core/**/*.ts', 'src/simulator/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'vscode', message: 'src/core is VS Code-free; wire it in src/extension.' }],
          patterns: [{ group: ['**/extension/**', '**/extension'], message: 'src/core never calls up into src/extension: take what you need as a constructor argument (an adapter).' }],
        },
      ],
    },
  },
  {
    // Views and commands render the core's models; the wire (client, parsing, TLS, proxy) is the monitor's business.
    files: ['src/extension/ui/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/core/wire/**', '**/core/wire'], message: 'extension/ui reads the core monitor and core/model, not core/wire.' }] },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
  },
);
