/**
 * Acknowledgements of one consumer channel, coalesced. Each `basic.ack` is a frame and, unbatched,
 * a socket write of its own: on a busy consumer those writes cost more CPU than parsing and
 * validating the messages. Acks requested during one turn of the event loop go out together at the
 * end of it: one ack with `multiple` for the run of settled deliveries at the front of the channel's
 * window, single acks for settled ones behind a delivery still open, so a slow handler never holds
 * back the acks (and the prefetch slots) of the others.
 *
 * A delivery is open from `delivered` until `ack` or `forget` (it was nacked, or settled some other
 * way); a `multiple` ack never reaches past an open one. If the channel dies before a flush the
 * broker redelivers what was not acked, as it would for a crash one turn earlier: duplicates, which
 * consumers deduplicate, never loss.
 */
import type { Channel, Message } from 'amqplib';

export class AckBatcher<O> {
  /** Delivery tag → the message and its outcome once acked, undefined while open; tags ascend. */
  private readonly window = new Map<number, { message: Message; outcome: O } | undefined>();
  private scheduled = false;

  constructor(
    private readonly channel: Channel,
    /** Called per message once its ack was written, or with the error that prevented it. */
    private readonly settled: (outcome: O, error: unknown) => void,
  ) {}

  get open(): number {
    return this.window.size;
  }

  delivered(message: Message): void {
    this.window.set(message.fields.deliveryTag, undefined);
  }

  ack(message: Message, outcome: O): void {
    this.window.set(message.fields.deliveryTag, { message, outcome });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  /** The delivery was settled without an ack (nacked): a later `multiple` ack may pass it. */
  forget(message: Message): void {
    this.window.delete(message.fields.deliveryTag);
  }

  /** Writes every pending ack now (also before the channel is closed on purpose). */
  flush(): void {
    this.scheduled = false;
    const acked: O[] = [];
    let front: Message | undefined;
    let blocked = false;
    for (const [tag, entry] of this.window) {
      if (entry === undefined) {
        blocked = true;
        continue;
      }
      this.window.delete(tag);
      if (!blocked) {
        front = entry.message;
        acked.push(entry.outcome);
        continue;
      }
      this.send(entry.message, false, [entry.outcome]);
    }
    if (front !== undefined) this.send(front, true, acked);
  }

  private send(message: Message, multiple: boolean, outcomes: readonly O[]): void {
    let failure: unknown;
    try {
      this.channel.ack(message, multiple);
    } catch (error) {
      // The channel closed meanwhile: the broker requeues these and the ids deduplicate them.
      failure = error ?? new Error('ack failed');
    }
    for (const outcome of outcomes) this.settled(outcome, failure);
  }
}
