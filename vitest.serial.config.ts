import { defineConfig } from 'vitest/config';

/** Broker-disturbing tests: alone, one file at a time, never beside other broker tests. */
export default defineConfig({
  test: {
    include: ['test/**/*.serial.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
