/** The shape of a rule and small builders shared by the rule tables. */

export type RuleArea = 'schema' | 'string' | 'number' | 'enum' | 'object' | 'array' | 'combined' | 'avro' | 'catalogue';

export interface RuleDefinition {
  /** Stable UPPER_SNAKE id; a Confluent Schema Registry change type where one exists. */
  id: string;
  area: RuleArea;
  /**
   * Differences of one family at one pointer are one edit seen from both directions (a raised
   * maxLength is MAX_LENGTH_INCREASED read backward and MAX_LENGTH_DECREASED read forward).
   */
  family: string;
  /** The id the same edit has when BASE and HEAD swap places. */
  mirror: string;
  /** Documentation-only changes: never breaking, reported as info. */
  info: boolean;
  /** Named after a change type of Confluent's JSON Schema checker. */
  confluent: boolean;
  /** What changed, as the head of the message. */
  purpose: string;
  /** The safe way to make the change. */
  hint: string;
}

export const NEW_VERSION =
  'publish the change as a new event version (a new message with x-version raised), keep the current version until its consumers have moved, then deprecate it with x-deprecated and x-sunset';

/** Hint for an edit that narrows what is accepted (breaks backward reads). */
export function narrowingHint(what: string): string {
  return `${what} rejects events that were valid before; ${NEW_VERSION}.`;
}

/** Hint for an edit that widens what is accepted (breaks forward reads only). */
export function wideningHint(what: string): string {
  return `${what}: consumers built before the change still apply the old rule, so under forward or full mode deploy those consumers first and check with --mode backward, or ${NEW_VERSION}.`;
}

type Partial4 = Pick<RuleDefinition, 'id' | 'purpose' | 'hint'> & Partial<Pick<RuleDefinition, 'info' | 'confluent'>>;

export function rule(area: RuleArea, family: string, mirror: string, spec: Partial4): RuleDefinition {
  return { area, family, mirror, info: spec.info ?? false, confluent: spec.confluent ?? true, id: spec.id, purpose: spec.purpose, hint: spec.hint };
}

/**
 * The four rules of a numeric limit (`maxLength`, `minimum`, …): added, removed, increased,
 * decreased. An upper limit breaks backward reads when added or decreased; a lower limit when added
 * or increased.
 */
export function limitRules(area: RuleArea, prefix: string, keyword: string, bound: 'upper' | 'lower', confluent = true): RuleDefinition[] {
  const tighter = bound === 'upper' ? 'DECREASED' : 'INCREASED';
  const looser = bound === 'upper' ? 'INCREASED' : 'DECREASED';
  const word = (change: string): string => (change === 'INCREASED' ? 'raised' : 'lowered');
  return [
    rule(area, prefix, `${prefix}_REMOVED`, { id: `${prefix}_ADDED`, purpose: `${keyword} added`, hint: narrowingHint(`A new ${keyword}`), confluent }),
    rule(area, prefix, `${prefix}_ADDED`, { id: `${prefix}_REMOVED`, purpose: `${keyword} removed`, hint: wideningHint(`Removing ${keyword} widens what producers may send`), confluent }),
    rule(area, prefix, `${prefix}_${looser}`, { id: `${prefix}_${tighter}`, purpose: `${keyword} ${word(tighter)}`, hint: narrowingHint(`A tighter ${keyword}`), confluent }),
    rule(area, prefix, `${prefix}_${tighter}`, { id: `${prefix}_${looser}`, purpose: `${keyword} ${word(looser)}`, hint: wideningHint(`A looser ${keyword} widens what producers may send`), confluent }),
  ];
}
