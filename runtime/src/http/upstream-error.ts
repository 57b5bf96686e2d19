import { STATUS_CODES } from 'node:http';

/**
 * A failed upstream call. graphql-js copies `extensions` of the original error into the
 * GraphQL error, so everything in it is visible to the client: it never holds the upstream
 * URL or a header value.
 */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
  readonly extensions: Record<string, unknown>;
  /** HTTP status of the upstream response; undefined when no response arrived. */
  readonly status: number | undefined;
  /** GraphQL coordinate of the field that made the call, for server logs. */
  readonly field: string | undefined;

  constructor(
    message: string,
    extensions: Record<string, unknown>,
    details: { status?: number; field?: string | undefined; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.extensions = extensions;
    this.status = details.status;
    this.field = details.field;
  }
}

/**
 * Builds the error for an upstream response with status >= 400. The message follows the
 * Tailcall binary (reqwest's wording), e.g. `HTTP Error: HTTP status client error (404 Not Found)`.
 */
export function httpStatusError(
  status: number,
  bodyText: string,
  field: string | undefined,
): UpstreamError {
  const kind = status >= 500 ? 'server' : 'client';
  const phrase = STATUS_CODES[status] ?? 'Unknown Status';
  const message = `HTTP Error: HTTP status ${kind} error (${status} ${phrase})`;

  return new UpstreamError(message, statusExtensions(status, bodyText), { status, field });
}

/**
 * Body members come first and `status` last, so a body member named `status` can never
 * hide the real HTTP status.
 */
function statusExtensions(status: number, bodyText: string): Record<string, unknown> {
  if (bodyText.length === 0) {
    return { status };
  }

  const body = parseJsonOrUndefined(bodyText);
  if (isPlainObject(body)) {
    return { ...body, status };
  }

  return { status, cause: bodyText };
}

/**
 * Builds the error for a call that got no usable response. The short reason is chosen from a
 * fixed list because the library's own message may name the upstream host and port.
 */
export function networkError(
  error: unknown,
  timedOut: boolean,
  field: string | undefined,
): UpstreamError {
  const code = timedOut ? 'ETIMEDOUT' : errorCode(error);
  const reason = timedOut
    ? 'upstream timed out'
    : (NETWORK_REASONS[code] ?? 'upstream request failed');

  return new UpstreamError(`IOException: ${reason}`, { code }, { field, cause: error });
}

/** Short, host-free reasons for the undici and syscall codes worth telling apart. */
const NETWORK_REASONS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection closed by upstream',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'upstream timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'upstream timed out',
  UND_ERR_BODY_TIMEOUT: 'upstream timed out',
  UND_ERR_DESTROYED: 'upstream client closed',
  UND_ERR_CLOSED: 'upstream client closed',
  UND_ERR_INFO: 'invalid upstream request',
  UND_ERR_INVALID_ARG: 'invalid upstream request',
  ERR_INVALID_URL: 'invalid upstream url',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalid upstream response',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'upstream response too large',
  HPE_INVALID_CONSTANT: 'invalid upstream response',
};

function errorCode(error: unknown): string {
  for (let current = error, depth = 0; current !== undefined && depth < 4; depth++) {
    if (typeof current !== 'object' || current === null) {
      break;
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }

  return 'UNKNOWN';
}

/** Parses JSON text, returning undefined instead of throwing. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
