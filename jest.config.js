/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  // End-to-end tests start real binaries; their own waits are bounded well below this.
  testTimeout: 120000,
  // Two cores: two workers keep the e2e servers from starving each other.
  maxWorkers: 2,
};
