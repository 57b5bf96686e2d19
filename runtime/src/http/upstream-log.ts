import { UpstreamError } from './upstream-error.js';
import type { UpstreamRequest } from './upstream-request.js';

/** The part of a pino/fastify logger that failed upstream calls are written to. */
export interface FailureLog {
  warn(fields: object, message: string): void;
}

/**
 * Logs a failed upstream call (an upstream status >= 400, a network error, a timeout) as a
 * warning. Only the method, the URL as `logUrl` shows it, the field, the status and the error
 * code are logged: never a header (an `Authorization` or `Cookie` forwarded through
 * `allowedHeaders`), the body or the underlying error, whose message may name a proxy with its
 * credentials. Anything that is not an UpstreamError is not the upstream's failure: not logged.
 */
export function logFailure(log: FailureLog, req: UpstreamRequest, error: unknown): void {
  if (!(error instanceof UpstreamError)) return;
  log.warn(
    {
      method: req.method,
      upstream: logUrl(req.url),
      ...(req.field === undefined ? {} : { field: req.field }),
      // A status error's extensions hold the upstream's body: only the status is logged.
      ...(error.status === undefined
        ? { code: error.extensions['code'] }
        : { status: error.status }),
    },
    'upstream call failed',
  );
}

/**
 * The upstream URL as logs show it: scheme, host, port and path. User info is dropped, and so
 * are the query string and the fragment, because query strings often carry API keys
 * (`?api_key={{.env.KEY}}`); a credential placed in the path itself is not recognised.
 */
export function logUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(invalid url)';
  }

  return `${parsed.origin}${parsed.pathname}`;
}
