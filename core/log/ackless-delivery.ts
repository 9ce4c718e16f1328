import type { Envelope } from '../envelope.ts';
import type { Delivery } from './log.ts';

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * A delivery of an `acks: 'none'` consumer: the log records nothing, so `ack`
 * resolves at once; its only effect is to free, once, the room under
 * `maxAckPending` that the delivery took. Never redelivered, so
 * `deliveryCount` is always 1.
 */
export class AcklessDelivery implements Delivery {
  readonly envelope: Envelope<Uint8Array>;
  readonly deliveryCount = 1;
  #release: (() => void) | undefined;

  constructor(envelope: Envelope<Uint8Array>, release: () => void) {
    this.envelope = envelope;
    this.#release = release;
  }

  ack(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    return RESOLVED;
  }

  working(): void {}
}
