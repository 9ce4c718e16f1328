/**
 * How many of `partitions` the member `owner` should hold when `members` (the
 * same sorted list on every instance) share them: the even share, plus one for
 * the first `partitions mod members` of them. Shares differ by at most one and
 * add up to `partitions`. An owner missing from `members` gets 0.
 *
 * @example
 * fairShare(8, ['a', 'b', 'c'], 'a'); // 3 (b gets 3, c gets 2)
 */
export function fairShare(partitions: number, members: readonly string[], owner: string): number {
  const index = members.indexOf(owner);
  if (index < 0) return 0;
  const even = Math.floor(partitions / members.length);
  return even + (index < partitions % members.length ? 1 : 0);
}
