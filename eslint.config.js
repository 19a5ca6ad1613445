// ESLint 9 flat config: typescript-eslint's recommended type-checked rules on the TypeScript, ESLint's
// recommended rules on the plain JavaScript; layout is Prettier's (eslint-config-prettier turns off
// every rule that would argue with it). `npm run lint:es`.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import globals from "globals";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["prisma/generated/", "data/", "bench/results/", "coverage/", ".cache/"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    rules: {
      // Control characters in a regular expression are this project's point where it escapes user
      // text, and in the tests that check none slips through.
      "no-control-regex": "off",
      // `async` without `await` keeps a Promise-returning contract (Fastify plugins and hooks, Bolt's ack, fakes of async interfaces): a throw becomes a rejection.
      "@typescript-eslint/require-await": "off",
      // A name destructured beside `...rest` is how an object drops a key (`const { flags: _, ...message } = body`).
      "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
    },
  },
  {
    // Plain JavaScript: no type information (tsconfig covers .ts only).
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    // The web page's client scripts run in the browser (uPlot is a global from its own script tag).
    files: ["bot/web/static/**/*.js"],
    languageOptions: { sourceType: "script", globals: { ...globals.browser, uPlot: "readonly" } },
  },
  prettier,
);
