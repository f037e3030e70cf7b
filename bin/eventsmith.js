#!/usr/bin/env node
// Thin launcher: the CLI itself is compiled TypeScript in dist/. Every packed or published copy has
// it (`prepack` builds it); a clone of the repository builds it with `npm run build`.
const CLI = '../dist/generator/cli/main.js';

let cli;
try {
  cli = await import(CLI);
} catch (error) {
  const missing = error instanceof Error && 'code' in error && error.code === 'ERR_MODULE_NOT_FOUND' && error.message.includes('dist/generator/cli/main.js');
  if (!missing) throw error;
  console.error(
    'eventsmith: this copy is not built (dist/ is missing).\n' +
      '  In a clone of the eventsmith repository: run `npm run build`.\n' +
      '  In a project: install a published version (`npm install eventsmith`) or a tarball made with `npm pack`, which ship dist/.',
  );
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
