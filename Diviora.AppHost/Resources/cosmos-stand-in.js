// Starts the Cosmos DB stand-in (npm @vercel/cosmosdb-server) over plain http with keep-alive, which its own CLI cannot:
// its bundled certificate has expired, and without keep-alive it closes the connection after every response.
// Usage: node cosmos-stand-in.js --port 8081 [--host 127.0.0.1]
"use strict";
const { createHttpServer } = require("@vercel/cosmosdb-server");

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 && index + 1 < args.length ? args[index + 1] : fallback;
};
const host = option("--host", "127.0.0.1");
const port = Number.parseInt(option("--port", "8081"), 10);

const server = createHttpServer({ keepAlive: true });
// Outlive the clients' idle connections (.NET closes pooled ones after 1 minute), so none is reused as the server drops it.
server.keepAliveTimeout = 120_000;
server.listen(port, host, () => console.log(`Cosmos stand-in ready at http://${host}:${port}/ (data in memory)`));

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
}
