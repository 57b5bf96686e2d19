import cluster from 'node:cluster';
import { setFlagsFromString } from 'node:v8';

import { processSettings, stopOnSignals, superviseWorkers } from '@tc-gen/runtime';

import { buildServer } from './server.js';

// PORT, HOST, LOG_LEVEL, WORKERS and SHUTDOWN_TIMEOUT_MS, checked before anything starts.
const settings = (() => {
  try {
    return processSettings(process.env, { port: %%PORT%%, host: %%HOST%%, workers: %%WORKERS%% });
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
})();

// The live heap of a server like this one is small, and V8 lets it grow to four times that
// under load before compacting it; at one and a half times, the resident size stays near
// 130 MB for a few percent more time in the collector. `node --heap-growing-percent=N` wins.
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent'))) {
  setFlagsFromString('--heap-growing-percent=50');
}

if (settings.workers > 1 && cluster.isPrimary) {
  // The primary only forks and supervises; each worker runs the code below.
  superviseWorkers(settings);
} else {
  // A server that cannot start (a key set it cannot fetch, say) says why in one line and exits.
  const app = await buildServer({ logger: { level: settings.logLevel } }).catch(
    (error: unknown) => {
      console.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
  // SIGINT and SIGTERM: stop accepting, finish the requests in flight, close upstream pools.
  stopOnSignals(app, settings.shutdownTimeoutMs);
  await app.listen({ port: settings.port, host: settings.host });
}
