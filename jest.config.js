/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 30000,
  // Most suites wait on real processes, sockets and emulated time, not on the CPU: two workers on
  // two cores keep the whole suite well inside its budget (jest would use one).
  maxWorkers: 2,
};
