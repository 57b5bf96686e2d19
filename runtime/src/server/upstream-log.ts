import type { FastifyBaseLogger } from 'fastify';

import type { Upstream } from '../http/upstream-client.js';
import { UpstreamError } from '../http/upstream-error.js';
import type { UpstreamRequest } from '../http/upstream-request.js';

/**
 * A view of the upstream client for one incoming request that logs every failed call (an
 * upstream status >= 400, a network error, a timeout) as a warning on the request's logger, so
 * the line carries the request id. The error itself still reaches the GraphQL response.
 *
 * Only the method, the URL as `logUrl` shows it, the field, the status and the error code are
 * logged: never a header (an `Authorization` or `Cookie` forwarded through `allowedHeaders`),
 * the body or the underlying error, whose message may name a proxy with its credentials.
 */
export function loggedUpstream(upstream: Upstream, log: FastifyBaseLogger): Upstream {
  return {
    request: async (req: UpstreamRequest) => {
      try {
        return await upstream.request(req);
      } catch (error) {
        if (error instanceof UpstreamError) {
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
        throw error;
      }
    },
  };
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
