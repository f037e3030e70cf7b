/** Counts in summary lines, in words that agree with them: "1 event (1 version)", "2 events (3 versions)". */

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "N events (M versions)" of a catalogue: event types, and their versions. */
export function eventCounts(events: readonly { type: string }[]): string {
  return countsText(new Set(events.map((e) => e.type)).size, events.length);
}

/** "N events (M versions)" from the two counts (a run answered from the cache has only these). */
export function countsText(types: number, versions: number): string {
  return `${plural(types, 'event')} (${plural(versions, 'version')})`;
}
