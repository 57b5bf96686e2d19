import type { RemoteKeySetOptions } from './remote-key-set.js';

/**
 * Timings of remote key sets from the environment, for operators:
 * `TC_JWKS_REFRESH_MS` (background refresh, default 10 min) and
 * `TC_JWKS_COOLDOWN_MS` (least time between fetches caused by unknown `kid`s,
 * default 30 s). A value that is not a positive integer stops the server with
 * a message rather than being ignored.
 */
export function remoteKeySetTimings(env: NodeJS.ProcessEnv = process.env): RemoteKeySetOptions {
  const read = (name: string, min: number): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new TypeError(
        `${name} must be an integer of at least ${min} (milliseconds), got '${text}'`,
      );
    }
    return value;
  };
  const refresh = read('TC_JWKS_REFRESH_MS', 1);
  const cooldown = read('TC_JWKS_COOLDOWN_MS', 0);

  return {
    ...(refresh === undefined ? {} : { cacheMaxAge: refresh }),
    ...(cooldown === undefined ? {} : { cooldownDuration: cooldown }),
  };
}
