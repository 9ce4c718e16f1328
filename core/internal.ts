/**
 * The engine's internal surface for eddy's own shipped tools (`eddy/testing`):
 * what they need beyond the public `eddy` API, named in one place so that a
 * change here is a deliberate one. Not exported from the package; users never
 * import it.
 */
export { makeUpcaster } from './actor/upcast.ts';
export { CRASH, type Crashable } from './crash-hook.ts';
export type { ActorSlot } from './runtime/key-slot.ts';
export type { AnyActor } from './runtime/program.ts';
export { recoverActor } from './runtime/recover-slot.ts';
