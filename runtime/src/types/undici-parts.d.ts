// undici's parts, loaded one by one: its main module also loads fetch, WebSocket, caches and
// mocks, and touches the global `Headers`, which makes Node load its own bundled copy of undici
// (together some 60 ms of a generated server's start). undici has no `exports` map, so these
// paths are part of what it publishes; the runtime pins undici's minor version.
declare module 'undici/lib/dispatcher/agent.js' {
  import type { Agent } from 'undici';
  const AgentClass: typeof Agent;
  export = AgentClass;
}

declare module 'undici/lib/dispatcher/proxy-agent.js' {
  import type { ProxyAgent } from 'undici';
  const ProxyAgentClass: typeof ProxyAgent;
  export = ProxyAgentClass;
}

declare module 'undici/lib/api/index.js' {
  import type { Dispatcher } from 'undici';
  /** `Dispatcher.prototype.request`, called with the dispatcher as `this`. */
  export function request(
    this: Dispatcher,
    options: Dispatcher.RequestOptions,
  ): Promise<Dispatcher.ResponseData>;
}
