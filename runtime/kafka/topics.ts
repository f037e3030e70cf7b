/**
 * Topics and group positions: what the topology step creates and what a replay moves.
 *
 * Topics are created with the partitions, replicas and configuration the catalogue's Kafka binding
 * gives (AsyncAPI's channel binding: `partitions`, `replicas`, `topicConfiguration`), else the
 * transport's defaults; an existing topic is left as it is. A new consumer group starts where its
 * topics end when it is declared, as a new queue takes what is published after it exists; replay
 * (`resetPositions`) moves a group to the start, the end, an offset or a time.
 */
import type { Admin } from '@platformatic/kafka';
import { bindingOf, type TransportBindings } from '../bindings.js';
import { kafkaErrorText } from './client.js';

export interface TopicSettings {
  partitions: number;
  replicas: number;
  /** Topic-level configuration, e.g. `{ 'retention.ms': '86400000' }`. */
  config: Readonly<Record<string, string>>;
}

/** Where a group starts reading: the first or next record, an offset per partition, or the first record at or after a time. */
export type StartPosition = 'earliest' | 'latest' | { timestamp: Date | number } | { offsets: Readonly<Record<number, bigint | number>> };

const EARLIEST = -2n;
const LATEST = -1n;

/** The settings a channel's Kafka binding asks for, over the defaults. */
export function topicSettings(bindings: TransportBindings | undefined, defaults: TopicSettings): TopicSettings {
  const binding = bindingOf(bindings, 'kafka');
  const partitions = typeof binding.partitions === 'number' && binding.partitions > 0 ? binding.partitions : defaults.partitions;
  const replicas = typeof binding.replicas === 'number' && binding.replicas > 0 ? binding.replicas : defaults.replicas;
  const config: Record<string, string> = { ...defaults.config };
  const given = binding.topicConfiguration;
  if (typeof given === 'object' && given !== null) {
    for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
      // AsyncAPI writes cleanup.policy as a list; Kafka wants it comma-separated.
      if (Array.isArray(value)) config[name] = value.join(',');
      else if (value !== undefined && value !== null) config[name] = String(value);
    }
  }
  return { partitions, replicas, config };
}

export class TopicAdmin {
  private readonly known = new Set<string>();

  constructor(private readonly admin: Admin) {}

  /** Creates every topic of `wanted` that does not exist yet. */
  async ensure(wanted: ReadonlyMap<string, TopicSettings>): Promise<void> {
    const missing = [...wanted.keys()].filter((topic) => !this.known.has(topic));
    if (missing.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    for (const topic of missing) {
      if (existing.has(topic)) {
        this.known.add(topic);
        continue;
      }
      const settings = wanted.get(topic)!;
      try {
        await this.admin.createTopics({
          topics: [topic],
          partitions: settings.partitions,
          replicas: settings.replicas,
          configs: Object.entries(settings.config).map(([name, value]) => ({ name, value })),
        });
      } catch (error) {
        // Another service declared it a moment ago.
        if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(kafkaErrorText(error))) throw new Error(`creating Kafka topic '${topic}' failed: ${kafkaErrorText(error)}`, { cause: error });
      }
      this.known.add(topic);
    }
  }

  /** Whether `topic` is known to exist, without asking the broker (see {@link exists}). */
  isKnown(topic: string): boolean {
    return this.known.has(topic);
  }

  /** Whether `topic` exists; a topic once seen is remembered, an absent one asked again each time. */
  async exists(topic: string): Promise<boolean> {
    if (this.known.has(topic)) return true;
    const topics = await this.admin.listTopics();
    for (const name of topics) this.known.add(name);
    return this.known.has(topic);
  }

  forget(topic: string): void {
    this.known.delete(topic);
  }

  /**
   * Gives `group` a position on every partition of `topics` where it has none yet: the end (or
   * `start`). A group that already committed keeps its positions.
   */
  async initialisePositions(group: string, topics: readonly string[], start: StartPosition): Promise<void> {
    const committed = await this.committedPositions(group, topics);
    const ends = await this.positionsAt(topics, start);
    const missing = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const [topic, partitions] of ends) {
      for (const [partition, offset] of partitions) {
        if (committed.get(topic)?.has(partition)) continue;
        missing.set(topic, [...(missing.get(topic) ?? []), { partition, offset }]);
      }
    }
    if (missing.size === 0) return;
    try {
      await this.admin.alterConsumerGroupOffsets({ groupId: group, topics: [...missing].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) });
    } catch (error) {
      // A member is consuming already: its own fallback (the earliest record) covers these partitions.
      if (!/NON_EMPTY_GROUP|GROUP_SUBSCRIBED_TO_TOPIC|UNKNOWN_MEMBER_ID|REBALANCE_IN_PROGRESS/i.test(kafkaErrorText(error))) throw error;
    }
  }

  /** Moves `group` (which must have no active member) to `start` on every partition of `topics`. */
  async resetPositions(group: string, topics: readonly string[], start: StartPosition): Promise<Map<string, Map<number, bigint>>> {
    const positions = await this.positionsAt(topics, start);
    try {
      await this.admin.alterConsumerGroupOffsets({
        groupId: group,
        topics: [...positions].map(([name, partitions]) => ({ name, partitionOffsets: [...partitions].map(([partition, offset]) => ({ partition, offset })) })),
      });
    } catch (error) {
      const text = kafkaErrorText(error);
      if (/NON_EMPTY_GROUP|UNKNOWN_MEMBER_ID|REBALANCE_IN_PROGRESS/i.test(text)) {
        throw new Error(`cannot move subscription '${group}' while it has consumers: stop them first (Kafka moves only an empty group's positions); ${text}`, { cause: error });
      }
      throw error;
    }
    return positions;
  }

  private async committedPositions(group: string, topics: readonly string[]): Promise<Map<string, Set<number>>> {
    const result = new Map<string, Set<number>>();
    const wanted = new Set(topics);
    const [listed] = await this.admin.listConsumerGroupOffsets({ groups: [group] });
    for (const topic of listed?.topics ?? []) {
      if (!wanted.has(topic.name)) continue;
      for (const partition of topic.partitions) {
        if (partition.committedOffset >= 0n) result.set(topic.name, (result.get(topic.name) ?? new Set()).add(partition.partitionIndex));
      }
    }
    return result;
  }

  /** The offset of `start` on every partition of `topics`. */
  async positionsAt(topics: readonly string[], start: StartPosition): Promise<Map<string, Map<number, bigint>>> {
    const metadata = await this.admin.metadata({ topics: [...topics] });
    const requests = [...topics].map((name) => {
      const count = metadata.topics.get(name)?.partitionsCount ?? 0;
      const partitions = Array.from({ length: count }, (_unused, partitionIndex) => ({ partitionIndex, timestamp: timestampOf(start) }));
      return { name, partitions };
    });
    const result = new Map<string, Map<number, bigint>>();
    if (typeof start === 'object' && 'offsets' in start) {
      // The offsets apply to every topic the group reads (its urgent lane, its inbox, ...), most of
      // them shorter: a position past a partition's end (or before its start) makes the broker
      // refuse the group's fetches (OFFSET_OUT_OF_RANGE), which stops its consumer. Clamped to each
      // partition's retained range, as Kafka's own reset tool does.
      const bounds = (timestamp: bigint) => this.admin.listOffsets({ topics: requests.map(({ name, partitions }) => ({ name, partitions: partitions.map((partition) => ({ ...partition, timestamp })) })) });
      const [firsts, ends] = await Promise.all([bounds(EARLIEST), bounds(LATEST)]);
      const bound = (listed: Awaited<ReturnType<typeof bounds>>, topic: string, partition: number) => listed.find((entry) => entry.name === topic)?.partitions.find((entry) => entry.partitionIndex === partition)?.offset;
      for (const { name, partitions } of requests) {
        result.set(
          name,
          new Map(
            partitions.map(({ partitionIndex }) => {
              let offset = BigInt(start.offsets[partitionIndex] ?? 0);
              const first = bound(firsts, name, partitionIndex);
              const end = bound(ends, name, partitionIndex);
              if (end !== undefined && offset > end) offset = end;
              if (first !== undefined && offset < first) offset = first;
              return [partitionIndex, offset];
            }),
          ),
        );
      }
      return result;
    }
    const listed = await this.admin.listOffsets({ topics: requests });
    const ends = typeof start === 'object' ? await this.admin.listOffsets({ topics: requests.map(({ name, partitions }) => ({ name, partitions: partitions.map((partition) => ({ ...partition, timestamp: LATEST })) })) }) : undefined;
    for (const topic of listed) {
      const offsets = new Map<number, bigint>();
      for (const partition of topic.partitions) {
        // No record at or after the time: the end of the partition.
        const end = ends?.find((entry) => entry.name === topic.name)?.partitions.find((entry) => entry.partitionIndex === partition.partitionIndex)?.offset;
        offsets.set(partition.partitionIndex, partition.offset < 0n && end !== undefined ? end : partition.offset);
      }
      result.set(topic.name, offsets);
    }
    return result;
  }
}

function timestampOf(start: StartPosition): bigint {
  if (start === 'earliest') return EARLIEST;
  if (start === 'latest') return LATEST;
  if ('timestamp' in start) return BigInt(start.timestamp instanceof Date ? start.timestamp.getTime() : start.timestamp);
  return EARLIEST;
}
