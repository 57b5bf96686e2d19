import { buildServer } from './server.js';

const port = Number(process.env['PORT'] ?? %%PORT%%);
const host = process.env['HOST'] ?? %%HOST%%;

if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer between 0 and 65535, got '${process.env['PORT']}'`);
  process.exit(1);
}

const level = process.env['LOG_LEVEL'] ?? 'info';
const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
if (!levels.includes(level)) {
  console.error(`LOG_LEVEL must be one of ${levels.join(', ')}, got '${level}'`);
  process.exit(1);
}

// A server that cannot start (a key set it cannot fetch, say) says why in one line and exits.
const app = await buildServer({ logger: { level } }).catch((error: unknown) => {
  console.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

await app.listen({ port, host });
