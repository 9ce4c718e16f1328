/** Thrown by the fault-injecting wrappers where a real process would have died. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}
