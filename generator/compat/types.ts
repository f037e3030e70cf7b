/**
 * Vocabulary of the compatibility checker. A *difference* is what one directional comparison finds
 * (Confluent's model: does the update accept every document the original accepts?); a *change* is
 * what the user sees: one edit from BASE to HEAD, with the verdict of each direction attached.
 */
import type { JsonValue } from '../model/catalog.js';

/**
 * `backward`: consumers built from HEAD read events valid under BASE (original BASE, update HEAD).
 * `forward`: consumers built from BASE read events valid under HEAD (original HEAD, update BASE).
 */
export type Direction = 'backward' | 'forward';
export const DIRECTIONS: readonly Direction[] = ['backward', 'forward'];

export const POLICIES = ['strict', 'lenient'] as const;
export type Policy = (typeof POLICIES)[number];

export const MODES = ['backward', 'forward', 'full', 'backward-transitive', 'forward-transitive', 'full-transitive', 'none'] as const;
export type Mode = (typeof MODES)[number];

export type Severity = 'breaking' | 'non-breaking' | 'info';

/** Found by one directional comparison of two schemas. */
export interface Difference {
  /** A rule id (a Confluent change type where one exists). */
  type: string;
  /** Segments of the JSON pointer inside the compared schema. */
  path: readonly string[];
  /** Values for the message, when the rule is about a keyword's value. */
  before?: JsonValue;
  after?: JsonValue;
}

/** One change between BASE and HEAD of one event version, before a mode and policy judge it. */
export interface RawChange {
  rule: string;
  event: string;
  version: number;
  /** JSON pointer into the event: `/payload/…`, `/headers/…`, or a catalogue field. */
  pointer: string;
  /** The difference type each direction saw here; absent when that direction saw nothing. */
  seen: Partial<Record<Direction, string>>;
  before?: JsonValue;
  after?: JsonValue;
  /** Free text for catalogue rules (e.g. the new name of a renamed event). */
  note?: string;
  /**
   * Which side the position below is in: HEAD (for a removal, the enclosing object that HEAD still
   * has), or BASE only for an event that HEAD has no trace of.
   */
  side: 'head' | 'base';
  file: string;
  line: number;
  /** For what HEAD no longer has: where it was in BASE. */
  beforeAt?: Position;
}

export interface Position {
  file: string;
  line: number;
}

export interface AcceptedBy {
  reason: string;
  expires?: string;
}

/** A change judged under a mode and policy: what reporters print. */
export interface Change {
  rule: string;
  severity: Severity;
  event: string;
  version: number;
  pointer: string;
  file: string;
  line: number;
  message: string;
  hint: string;
  /** Directions in which this change breaks consumers (under the active mode and policy). */
  breaks: Direction[];
  /** Set when a config exception accepts this breaking change. */
  accepted?: AcceptedBy;
  /** Label of the BASE this change was found against. */
  base: string;
  side: 'head' | 'base';
  /** For what HEAD no longer has: where it was in BASE. */
  beforeAt?: Position;
}
