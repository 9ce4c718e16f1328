/**
 * A real provider was chosen but no API key was found for it. Set the named
 * environment variable or pass `apiKey` in the config. A configured model
 * never falls back to the offline one, so this is thrown even with
 * `fallback: 'offline'`.
 *
 * @example
 * try { chatModel('openai:gpt-4o-mini'); }
 * catch (e) { if (e instanceof MissingApiKeyError) console.error(`set ${e.envVar}`); }
 */
export class MissingApiKeyError extends Error {
  override readonly name = 'MissingApiKeyError';
  /** `provider:model` that needed the key. */
  readonly model: string;
  /** The environment variable read for the key. */
  readonly envVar: string;

  constructor(model: string, envVar: string) {
    super(`${model} needs an API key: set ${envVar} or pass apiKey in the model config`);
    this.model = model;
    this.envVar = envVar;
  }
}
