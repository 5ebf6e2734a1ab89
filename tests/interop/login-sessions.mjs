// The apps' own stack writes the sessions: express + express-session + connect-redis 9 on a
// node-redis 5 client. Usage: node login-sessions.mjs REDIS_URL USER:ID [USER:ID...]
// Logs each user in once over HTTP (a fresh session each time, as a browser would get) and
// prints one JSON line per login: {"user":..., "id":..., "sid":..., "cookie":...}.
// With --whoami COOKIE instead of logins: asks the app who that cookie belongs to and prints
// {"user":..., "expires":...} (user null when the app has no such session).
// A redis-cluster://[user:password@]host:port,host:port URL runs the same app on node-redis's
// createCluster, as connect-redis does on a cluster.
import express from "express";
import session from "express-session";
import { RedisStore } from "connect-redis";
import { createClient, createCluster } from "redis";

const [url, ...logins] = process.argv.slice(2);
let client;
if (url.startsWith("redis-cluster://")) {
  const rest = url.slice("redis-cluster://".length);
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : "";
  const seeds = (at >= 0 ? rest.slice(at + 1) : rest).split(",");
  const [username, password] = auth ? auth.split(":").map(decodeURIComponent) : [undefined, undefined];
  client = createCluster({
    rootNodes: seeds.map((s) => ({ url: `redis://${s}` })),
    defaults: { username: username || undefined, password: password || undefined },
  });
} else {
  client = createClient({ url });
}
await client.connect();

const app = express();
app.use(session({
  store: new RedisStore({ client, prefix: "sess:" }),
  secret: "sessiondeck-interop",
  resave: false,
  saveUninitialized: false,
  cookie: { maxAge: 7 * 24 * 3600 * 1000 },
}));
app.get("/whoami", (req, res) => {
  res.json({ user: req.session.user ? req.session.user.name : null,
             expires: req.session.cookie.expires ? req.session.cookie.expires.toISOString() : null });
});
app.get("/login", (req, res) => {
  req.session.user = { id: Number(req.query.id), name: String(req.query.name) };
  req.session.views = 1;
  res.json({ sid: req.sessionID });
});

const server = app.listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
const port = server.address().port;
if (logins[0] === "--whoami") {
  const r = await fetch(`http://127.0.0.1:${port}/whoami`, { headers: { cookie: logins[1] } });
  console.log(JSON.stringify(await r.json()));
  logins.length = 0;
}
for (const login of logins) {
  const [name, id] = login.split(":");
  const r = await fetch(`http://127.0.0.1:${port}/login?name=${encodeURIComponent(name)}&id=${id}`);
  const body = await r.json();
  const cookie = (r.headers.get("set-cookie") || "").split(";")[0];
  console.log(JSON.stringify({ user: name, id: Number(id), sid: body.sid, cookie }));
}
server.close();
await (client.close ? client.close() : client.quit());
