/** Counts in summary lines, in words that agree with them: "1 event (1 version)", "2 events (3 versions)". */

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "N events (M versions)" of a catalogue: event types, and their versions. */
export function eventCounts(events: readonly { type: string }[]): string {
  const types = new Set(events.map((e) => e.type)).size;
  return `${plural(types, 'event')} (${plural(events.length, 'version')})`;
}
