/** `afterSeq` of `Log.pending`: 0 (from the start) or a sequence. */
export function checkAfterSeq(afterSeq: number): void {
  if (!Number.isInteger(afterSeq) || afterSeq < 0) {
    throw new RangeError(`afterSeq must be an integer >= 0, got ${afterSeq}`);
  }
}
