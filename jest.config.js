/**
 * One jest run for unit, integration and end-to-end tests. The global setup finds out
 * whether MySQL and Redis answer and says so; suites for an engine that is not there
 * are skipped, loudly (or fail, with REQUIRE_MYSQL=1 / REQUIRE_REDIS=1 as in CI).
 */
module.exports = {
  testEnvironment: "<rootDir>/tests/support/handle-reporting-environment.js",
  roots: ["<rootDir>/tests"],
  // tests/checks holds whole-program type checks (`npm run typecheck` runs them),
  // tests/browser the web apps driven in Chromium (`npm run test:browser`) and
  // tests/accessibility the axe check of every screen (`npm run check:accessibility`):
  // each needs its own tools and minutes of its own; .ci/run runs them all, and npm test
  // stays in minutes.
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/tests/checks/", "<rootDir>/tests/browser/", "<rootDir>/tests/accessibility/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  globalSetup: "<rootDir>/tests/support/global-setup.ts",
  globalTeardown: "<rootDir>/tests/support/global-teardown.ts",
  testSequencer: "<rootDir>/tests/support/sequencer.js",
  setupFiles: ["reflect-metadata"],
  // Generous, so that a loaded machine (servers spawned, MySQL busy) makes a test slow, not failed.
  testTimeout: 180_000,
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/tests/support/summary-reporter.js"],
};
