/** Size of one shared buffer; payloads above an eighth of it get their own. */
const SLAB_BYTES = 64 * 1024;
const SMALL_BYTES = SLAB_BYTES / 8;

/**
 * Copies small payloads into shared 64 KiB buffers. A copy per record is
 * needed (callers reuse their buffers), but an ArrayBuffer per record costs
 * about 250 bytes of heap and twice the time of a view into a shared one.
 * Like payloads from nats.js, the copies are views: read them through their
 * own offset and length, not through `.buffer`.
 *
 * @example
 * const slab = new PayloadSlab();
 * const stored = slab.copy(incoming); // independent of `incoming` from now on
 */
export class PayloadSlab {
  #buffer = new Uint8Array(SLAB_BYTES);
  #used = 0;

  copy(payload: Uint8Array): Uint8Array {
    const length = payload.byteLength;
    if (length > SMALL_BYTES) return payload.slice();
    if (this.#used + length > SLAB_BYTES) {
      this.#buffer = new Uint8Array(SLAB_BYTES);
      this.#used = 0;
    }
    const copy = this.#buffer.subarray(this.#used, this.#used + length);
    copy.set(payload);
    this.#used += length;
    return copy;
  }
}
