/**
 * Catalogue rules: one event version is one contract, so these compare event versions as a whole.
 * They have no direction: a removed contract breaks its consumers whichever way one reads.
 */
import { NEW_VERSION, rule, type RuleDefinition } from './definition.js';

const BOTH_SIDES = `Consumers on the other side still use the old value: ${NEW_VERSION}.`;

function catalogRule(id: string, purpose: string, hint: string, info = false): RuleDefinition {
  return { ...rule('catalogue', id, id, { id, purpose, hint, info }), confluent: false };
}

export const CATALOG_RULES: RuleDefinition[] = [
  catalogRule('EVENT_TYPE_ADDED', 'event type added', 'Safe in every mode.'),
  catalogRule(
    'EVENT_TYPE_REMOVED',
    'event type removed while a version of it was still live',
    'Deprecate every version first (x-deprecated: true, x-sunset: a date), and remove the type once the sunset date has passed.',
  ),
  catalogRule(
    'EVENT_TYPE_RENAMED',
    'event type renamed (removed, and a new type with the same payload added)',
    'Consumers subscribe by type and routing key: keep the old type, publish both while consumers move, deprecate the old one with x-sunset and remove it after that date.',
  ),
  catalogRule('EVENT_VERSION_ADDED', 'event version added', 'Safe in every mode.'),
  catalogRule(
    'EVENT_VERSION_REMOVED',
    'event version removed while not deprecated',
    'Deprecate the version first (x-deprecated: true, x-sunset: a date), and remove it once the sunset date has passed.',
  ),
  catalogRule('EVENT_VERSION_REMOVED_BEFORE_SUNSET', 'deprecated event version removed before its sunset date', 'Keep the version until its x-sunset date has passed, or move the date after telling its consumers.'),
  catalogRule('EVENT_VERSION_RETIRED', 'deprecated event version removed after its sunset date', 'Safe in every mode.'),
  catalogRule('EVENT_DEPRECATED', 'event version deprecated', 'Tell its consumers, and set x-sunset so that they know when it goes.', true),
  catalogRule('CHANNEL_ADDRESS_CHANGED', 'channel address changed', BOTH_SIDES),
  catalogRule('ROUTING_KEY_CHANGED', 'destination (RabbitMQ routing key) changed', `Subscriptions that take the old destination stop receiving the event: ${NEW_VERSION}.`),
  catalogRule('EXCHANGE_CHANGED', 'RabbitMQ exchange changed', `Queues bound on the old exchange stop receiving the event: ${NEW_VERSION}.`),
  catalogRule('EVENT_KIND_CHANGED', 'event kind changed', `The kind decides the destination, the RabbitMQ exchange and the envelope consumers expect: ${NEW_VERSION}.`),
  catalogRule('URGENCY_CHANGED', 'urgency changed (RabbitMQ priority follows)', 'Reported for information: consumers keep working, but messages are prioritised differently.', true),
  // Who sends and receives an event is the catalogue's picture of the services, not the contract:
  // in a catalogue of one document per service, a `$ref` moved between documents shows up here.
  catalogRule('PRODUCER_ADDED', 'a service starts producing the event (info)', 'Reported for information: the contract is unchanged; make sure the new producer is deployed with a publisher for it.', true),
  catalogRule('PRODUCER_REMOVED', 'a service stops producing the event (info)', 'Reported for information: the contract is unchanged; consumers wait for the event from its other producers, if any.', true),
  catalogRule('CONSUMER_ADDED', 'a service starts consuming the event (info)', "Reported for information: the contract is unchanged; the service's subscription takes the event from its next deployment.", true),
  catalogRule('CONSUMER_REMOVED', 'a service stops consuming the event (info)', "Reported for information: the contract is unchanged; the service's subscription no longer takes the event.", true),
  // A command's replies are part of its contract: both ends refuse a reply the catalogue does not
  // declare for it (UndeclaredReplyError), so each end built before the change refuses what the other now does.
  catalogRule(
    'REPLY_ADDED',
    'a command may be answered with a reply it could not be answered with before',
    'Requesters built before the change refuse the new reply (UndeclaredReplyError): deploy regenerated requesters first, then the repliers that send it; or declare it on a new version of the command.',
  ),
  catalogRule(
    'REPLY_REMOVED',
    'a reply of a command removed',
    'Repliers built before the change still send it, and regenerated requesters refuse it (UndeclaredReplyError): deploy repliers that no longer send it first, then remove it; or declare the change on a new version of the command.',
  ),
  // A {parameter} of the destination fills one word of the routing key (or topic, or stream entry's destination).
  catalogRule(
    'PARAMETER_DEFAULT_CHANGED',
    "channel parameter's default changed",
    `Publishers that give no value publish to another destination, which subscriptions bound to the old one no longer take: ${NEW_VERSION}.`,
  ),
  catalogRule(
    'PARAMETER_VALUES_NARROWED',
    'channel parameter takes fewer values (enum value removed, enum or pattern added, pattern changed)',
    'Publishers built before the change still publish values regenerated code refuses: stop publishing them first, or make the change as a new version of the event.',
  ),
  catalogRule(
    'PARAMETER_VALUES_EXTENDED',
    'channel parameter takes more values (enum value added, enum or pattern removed) (info)',
    'Reported for information: subscriptions bound to particular values do not take the new ones; bind them too where they should.',
    true,
  ),
];
