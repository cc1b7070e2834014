// Lint of the browser modules and the service worker. The promise rules use the type
// checker (the jsconfig projects), so a forgotten await or .catch is caught wherever the
// function that returns the promise is defined.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const rules = {
  "no-unused-vars": ["error", { ignoreRestSiblings: true, varsIgnorePattern: "^_", caughtErrors: "none" }],
  "@typescript-eslint/no-floating-promises": "error",
  "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
  "@typescript-eslint/await-thenable": "error",
};

export default [
  { ignores: ["node_modules/", "static/vendor/", "templates/"] },
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: globals.browser,
      parser: tseslint.parser,
      parserOptions: { project: "./jsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules,
  },
  {
    // A module worker: its code and static/sw/ are ES modules.
    files: ["worker/serviceworker.js", "static/sw/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: { ...globals.serviceworker, CONFIG: "readonly" },
      parser: tseslint.parser,
      parserOptions: { project: "./jsconfig.sw.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules,
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { sourceType: "module", globals: globals.node },
  },
];
