// A round-robin HTTP proxy for the benchmark: one port in front of several app instances, as a load
// balancer would be. Each request goes to the next instance in turn over a keep-alive connection;
// hop-by-hop headers are dropped and X-Forwarded-For is appended, the rest passes through untouched.
// Run by bench/server.ts (startProxy): PORT=… HOST=… node bench/proxy.js http://127.0.0.1:A http://127.0.0.1:B
import http from "node:http";

const targets = process.argv.slice(2).map((t) => new URL(t));
if (targets.length === 0) throw new Error("usage: node bench/proxy.js http://host:port …");
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";
const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** @param {http.IncomingHttpHeaders} headers */
function endToEnd(headers) {
  /** @type {http.OutgoingHttpHeaders} */
  const kept = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  return kept;
}

let next = 0;
const server = http.createServer((req, res) => {
  const target = targets[next];
  next = (next + 1) % targets.length;
  const headers = endToEnd(req.headers);
  const client = req.socket.remoteAddress ?? "unknown";
  headers["x-forwarded-for"] = req.headers["x-forwarded-for"] ? `${req.headers["x-forwarded-for"]}, ${client}` : client;
  const upstream = http.request(
    { agent, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    },
  );
  upstream.on("error", (error) => {
    if (res.headersSent) res.destroy(error);
    else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: ${error.message}\n`);
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`proxy is running on http://${host}:${port} for ${targets.map(String).join(", ")}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
