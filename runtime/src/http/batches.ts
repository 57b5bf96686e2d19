import type { Upstream } from './upstream-client.js';
import type { UpstreamRequest } from './upstream-request.js';

/** `@upstream(batch:)`: how the data loader behind `@http(batchKey:)` collects calls. */
export interface BatchOptions {
  /** Milliseconds to collect calls before sending them as one. */
  delayMs: number;
  /** Most calls merged into one upstream request. */
  maxSize: number;
}

/** One field instance's call, as its resolver rendered it, and how to find its answer. */
export interface BatchedCall {
  request: UpstreamRequest;
  /** This call's key: the value of its group-by query parameter, or of its body's one expression. */
  key: string;
  /** GET: the query parameter that carries the key; the merged URL repeats it for each key. */
  groupBy?: string;
  /** `batchKey`: where each item of the merged response holds its key. */
  path: readonly string[];
  /** The field is a list: it gets every matching item, not the first. */
  list: boolean;
  /** Values of `@upstream(batch: {headers})`: calls that differ in them are never one key. */
  identity?: string;
}

interface Waiting {
  call: BatchedCall;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The N+1 data loader of one incoming request: calls of the same field made
 * within `delayMs` go upstream as one request (Tailcall's `batchKey`), and
 * each caller gets the items of the response that carry its key.
 *
 * - GET: the first call's URL, plus `groupBy=key` for every other key.
 * - POST: the calls' bodies as one JSON array, to the first call's URL.
 *
 * Identical calls share one key. Calls are sorted (by URL, or by body) so the
 * merged request is the same whatever order the resolvers ran in.
 */
export class Batches {
  readonly #queues = new Map<string, { waiting: Waiting[]; timer: NodeJS.Timeout }>();

  constructor(
    readonly client: Upstream,
    readonly options: BatchOptions,
  ) {}

  load(field: string, call: BatchedCall): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let queue = this.#queues.get(field);
      if (!queue) {
        queue = { waiting: [], timer: setTimeout(() => this.#flush(field), this.options.delayMs) };
        this.#queues.set(field, queue);
      }
      queue.waiting.push({ call, resolve, reject });
      if (queue.waiting.length >= this.options.maxSize) this.#flush(field);
    });
  }

  #flush(field: string): void {
    const queue = this.#queues.get(field);
    if (!queue) return;
    this.#queues.delete(field);
    clearTimeout(queue.timer);

    const byCall = new Map<string, Waiting[]>();
    for (const waiting of queue.waiting) {
      const { request, identity } = waiting.call;
      const id = JSON.stringify([request.url, request.body ?? null, identity ?? null]);
      byCall.set(id, [...(byCall.get(id) ?? []), waiting]);
    }
    const calls = [...byCall.values()].sort((a, b) =>
      compare(sortKey(a[0]!.call), sortKey(b[0]!.call)),
    );

    void this.#send(calls);
  }

  async #send(groups: Waiting[][]): Promise<void> {
    const first = groups[0]![0]!.call;
    let response: unknown;
    try {
      response = await this.client.request(merge(groups.map((g) => g[0]!.call)));
    } catch (error) {
      for (const waiting of groups.flat()) waiting.reject(error);
      return;
    }

    const items = itemsByKey(response, first.path);
    for (const waiting of groups.flat()) {
      const matches = items.get(waiting.call.key) ?? [];
      waiting.resolve(waiting.call.list ? matches : (matches[0] ?? null));
    }
  }
}

function sortKey(call: BatchedCall): string {
  return call.request.body ?? call.request.url;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The one upstream request standing for all the calls. */
function merge(calls: readonly BatchedCall[]): UpstreamRequest {
  const [first, ...rest] = calls as [BatchedCall, ...BatchedCall[]];
  if (first.request.body !== undefined) {
    return { ...first.request, body: `[${calls.map((c) => c.request.body).join(',')}]` };
  }
  if (first.groupBy === undefined || rest.length === 0) return first.request;

  const pairs = rest.map((c) => new URLSearchParams([[first.groupBy as string, c.key]]).toString());
  const separator = first.request.url.includes('?') ? '&' : '?';
  return { ...first.request, url: `${first.request.url}${separator}${pairs.join('&')}` };
}

/**
 * Walks `path` through the response, into every list on the way, and groups
 * the objects that hold its last member by that member's value as text.
 */
export function itemsByKey(response: unknown, path: readonly string[]): Map<string, unknown[]> {
  const groups = new Map<string, unknown[]>();
  const last = path.at(-1);
  if (last === undefined) return groups;

  const visit = (value: unknown, depth: number): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, depth);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const record = value as Record<string, unknown>;
    if (depth < path.length - 1) {
      visit(Object.hasOwn(record, path[depth]!) ? record[path[depth]!] : undefined, depth + 1);
      return;
    }
    if (!Object.hasOwn(record, last)) return;
    const key = keyText(record[last]);
    groups.set(key, [...(groups.get(key) ?? []), value]);
  };
  visit(response, 0);

  return groups;
}

function keyText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
