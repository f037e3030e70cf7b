/**
 * Preloaded with `node --import` into a measured child process: on exit, writes the process's peak
 * resident set size (bytes) and its CPU time (ms, user + system) as JSON to the file named by
 * EVENTSMITH_BENCH_RSS_FILE. CPU time is far less disturbed than wall time by other processes on
 * a shared machine, so it is reported beside it.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.EVENTSMITH_BENCH_RSS_FILE;
if (target) {
  process.on('exit', () => {
    // maxRSS is in kilobytes, CPU times in microseconds.
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ rss: usage.maxRSS * 1024, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 }));
  });
}
