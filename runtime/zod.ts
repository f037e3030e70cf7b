/**
 * zod as generated code sees it. Generated modules import `z` from `eventsmith/zod` rather than
 * from `zod`, so they always get the zod major eventsmith was built against, whatever else the
 * project (or a strict package manager's layout) provides under the name `zod`.
 */
export * from 'zod';
