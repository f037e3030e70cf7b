import { defineConfig } from 'vitest/config';

/**
 * The main suite. Tests that disturb the whole broker (closing every connection, stopping the
 * app) are named `*.serial.test.ts` and run afterwards, one file at a time (vitest.serial.config.ts).
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.serial.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
