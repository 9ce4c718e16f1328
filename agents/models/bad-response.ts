/** Thrown inside an attempt when a 2xx body is not the provider's format; becomes a `bad_response` failure. */
export class BadResponse extends Error {
  override readonly name = 'BadResponse';
}
