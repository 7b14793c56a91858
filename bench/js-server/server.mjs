// The reference automerge-repo sync server, set up like the official
// `automerge-repo-sync-server` (a Repo with NodeWSServerAdapter and
// NodeFSStorageAdapter), for mitra-bench to compare Mitra against.
//
// Usage: node server.mjs [--port N] [--data-dir DIR] [--share-policy none|generous]
//
// Listens on 127.0.0.1 only; the WebSocket endpoint is /sync. Prints one line
//   JS sync server listening on ws://127.0.0.1:PORT/sync (pid PID, data DIR)
// once it accepts connections. Port 0 (the default) picks a free port.
// Without --data-dir it stores into a fresh temporary directory, removed on exit.

import fs from "node:fs"
import http from "node:http"
import os from "node:os"
import path from "node:path"
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { NodeWSServerAdapter } from "@automerge/automerge-repo-network-websocket"
import { NodeFSStorageAdapter } from "@automerge/automerge-repo-storage-nodefs"

function parseArgs(argv) {
  const opts = { port: 0, dataDir: undefined, sharePolicy: "none" }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    const value = () => {
      if (i + 1 >= argv.length) {
        throw new Error(`${arg} needs a value`)
      }
      return argv[++i]
    }
    if (arg === "--port") opts.port = Number.parseInt(value(), 10)
    else if (arg === "--data-dir") opts.dataDir = value()
    else if (arg === "--share-policy") opts.sharePolicy = value()
    else throw new Error(`unknown argument ${arg}`)
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw new Error("--port must be 0..65535")
  }
  if (!["none", "generous"].includes(opts.sharePolicy)) {
    throw new Error("--share-policy must be none or generous")
  }
  return opts
}

let opts
try {
  opts = parseArgs(process.argv.slice(2))
} catch (e) {
  console.error(`server.mjs: ${e.message}`)
  process.exit(2)
}

const ownDataDir = opts.dataDir === undefined
const dataDir = ownDataDir
  ? fs.mkdtempSync(path.join(os.tmpdir(), "mitra-bench-js-"))
  : opts.dataDir
fs.mkdirSync(dataDir, { recursive: true })

const wss = new WebSocketServer({ noServer: true })
const repo = new Repo({
  network: [new NodeWSServerAdapter(wss)],
  storage: new NodeFSStorageAdapter(dataDir),
  peerId: `storage-server-${os.hostname()}`,
  // The official sync server does not announce documents to peers: they ask
  // for the ones they know by id. "generous" announces every document.
  sharePolicy: async () => opts.sharePolicy === "generous",
})

const server = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain" })
  res.end("automerge-repo sync server (mitra-bench reference)\n")
})
server.on("upgrade", (request, socket, head) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1")
  if (url.pathname !== "/sync") {
    socket.write("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n")
    socket.destroy()
    return
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    wss.emit("connection", ws, request)
  })
})

let stopping = false
async function stop(signal) {
  if (stopping) return
  stopping = true
  console.error(`server.mjs: ${signal}, shutting down`)
  const force = setTimeout(() => process.exit(0), 3000)
  force.unref()
  try {
    for (const client of wss.clients) client.terminate()
    wss.close()
    server.close()
    await repo.shutdown()
  } catch (e) {
    console.error(`server.mjs: shutdown: ${e}`)
  }
  if (ownDataDir) fs.rmSync(dataDir, { recursive: true, force: true })
  process.exit(0)
}
process.on("SIGTERM", () => stop("SIGTERM"))
process.on("SIGINT", () => stop("SIGINT"))

server.listen(opts.port, "127.0.0.1", () => {
  const { port } = server.address()
  console.log(
    `JS sync server listening on ws://127.0.0.1:${port}/sync (pid ${process.pid}, data ${dataDir})`,
  )
})
