/**
 * The method by which `eddy/testing`'s `crash` stops a stage or pipeline at
 * once, as a crash would. Internal: no entry point exports it, so crashing is
 * a testing tool and no part of the public API.
 */
export const CRASH = Symbol('eddy.crash');

/** What `crash` can stop. */
export interface Crashable {
  [CRASH](): void;
}
