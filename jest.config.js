/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Transpile only: `npm run typecheck` (run by `npm test` first) does the type checking once.
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // End-to-end tests start real binaries; their own waits are bounded well below this.
  testTimeout: 120000,
  // Two cores: two workers keep the e2e servers from starving each other.
  maxWorkers: 2,
};
