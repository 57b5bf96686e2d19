/** User name and password from `Authorization: Basic …`. */
export interface BasicCredentials {
  user: string;
  password: string;
}

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the credentials part of a Basic header. Returns undefined for anything malformed:
 * non-canonical base64 (Buffer.from would silently skip bad characters), bytes that are not
 * UTF-8, or no colon. The split is on the first colon because passwords may contain colons.
 */
export function decodeBasicCredentials(encoded: string): BasicCredentials | undefined {
  if (encoded.length === 0 || !STRICT_BASE64.test(encoded)) {
    return undefined;
  }
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(encoded, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return undefined;
  }

  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
