/** Small statistics and formatting helpers shared by the benchmark sections. */

export function median(values) {
  const sorted = [...values].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

/** Median of the per-run ratios a[i] / b[i]: each ratio compares two figures taken side by side. */
export function medianRatio(a, b) {
  return median(a.map((x, i) => x / b[i]));
}

export const fmt = {
  ms: (v) => (Number.isFinite(v) ? (v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`) : 'n/a'),
  s: (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a'),
  mb: (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(0)} MB` : 'n/a'),
  rate: (v, unit = '/s') => (Number.isFinite(v) ? `${v >= 1_000_000 ? `${(v / 1_000_000).toFixed(2)}M` : v >= 10_000 ? `${(v / 1000).toFixed(1)}k` : v >= 1000 ? `${(v / 1000).toFixed(2)}k` : v.toFixed(0)}${unit}` : 'n/a'),
  ratio: (v) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : 'n/a'),
};

/** Shuffles a copy (Fisher–Yates) so that the order of compared runs does not favour one side. */
export function shuffled(items) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function log(line) {
  process.stderr.write(`  ${line}\n`);
}

/** Runs `send(i)` for i < n with at most `window` promises outstanding. */
export function windowed(n, window, send) {
  return new Promise((resolve, reject) => {
    let next = 0;
    let done = 0;
    const launch = () => {
      while (next < n && next - done < window) {
        send(next++).then(() => {
          if (++done === n) resolve();
          else launch();
        }, reject);
      }
    };
    if (n === 0) resolve();
    else launch();
  });
}
