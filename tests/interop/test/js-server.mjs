// A stand-in sync server built from the official automerge-repo packages,
// used to develop and sanity-check the interop suite without the Mitra binary
// (run the suite with MITRA_SERVER=js). It mirrors the parts of Mitra's CLI the
// tests use:
//
//   node test/js-server.mjs serve --listen 127.0.0.1:0 --data-dir DIR
//
// and prints the same start-up line as Mitra:
//
//   Mitra is serving on http://127.0.0.1:PORT/ (sync endpoint ws://127.0.0.1:PORT/sync)
//
// Configured like the official automerge-repo-sync-server: sharePolicy always
// false (it answers requests but announces nothing), documents stored on disk
// so that restart tests have something to restart from.

import fs from "node:fs/promises"
import path from "node:path"
import http from "node:http"
import { WebSocketServer } from "ws"
import { Repo } from "@automerge/automerge-repo"
import { WebSocketServerAdapter } from "@automerge/automerge-repo-network-websocket"

function parseArgs(argv) {
  const args = { listen: "127.0.0.1:0", dataDir: null }
  const rest = argv[0] === "serve" ? argv.slice(1) : argv
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === "--listen") args.listen = rest[++i]
    else if (rest[i] === "--data-dir") args.dataDir = rest[++i]
    else if (/^\d+$/.test(rest[i])) args.listen = `127.0.0.1:${rest[i]}`
    else throw new Error(`js-server: unknown argument ${rest[i]}`)
  }
  if (!args.dataDir) throw new Error("js-server: --data-dir is required")
  const idx = args.listen.lastIndexOf(":")
  return { host: args.listen.slice(0, idx), port: Number(args.listen.slice(idx + 1)), dataDir: args.dataDir }
}

/** Minimal file-per-key storage adapter (StorageAdapterInterface). */
class DirStorageAdapter {
  constructor(dir) {
    this.dir = dir
  }
  #file(key) {
    return path.join(this.dir, Buffer.from(JSON.stringify(key)).toString("base64url"))
  }
  async load(key) {
    try {
      return new Uint8Array(await fs.readFile(this.#file(key)))
    } catch (e) {
      if (e.code === "ENOENT") return undefined
      throw e
    }
  }
  async save(key, data) {
    const file = this.#file(key)
    const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`
    await fs.writeFile(tmp, data)
    await fs.rename(tmp, file)
  }
  async remove(key) {
    await fs.rm(this.#file(key), { force: true })
  }
  async #keysWithPrefix(prefix) {
    const names = await fs.readdir(this.dir)
    const keys = []
    for (const name of names) {
      if (name.includes(".tmp-")) continue
      const key = JSON.parse(Buffer.from(name, "base64url").toString())
      if (prefix.every((p, i) => key[i] === p)) keys.push(key)
    }
    return keys
  }
  async loadRange(prefix) {
    const chunks = []
    for (const key of await this.#keysWithPrefix(prefix)) {
      const data = await this.load(key)
      if (data !== undefined) chunks.push({ key, data })
    }
    return chunks
  }
  async removeRange(prefix) {
    for (const key of await this.#keysWithPrefix(prefix)) await this.remove(key)
  }
}

const { host, port, dataDir } = parseArgs(process.argv.slice(2))
await fs.mkdir(dataDir, { recursive: true })

const httpServer = http.createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/plain" })
  res.end("js stand-in sync server\n")
})
const wss = new WebSocketServer({ noServer: true })
httpServer.on("upgrade", (req, socket, head) => {
  if (new URL(req.url, "http://x").pathname !== "/sync") {
    socket.destroy()
    return
  }
  wss.handleUpgrade(req, socket, head, ws => wss.emit("connection", ws, req))
})

const adapter = new WebSocketServerAdapter(wss)
const repo = new Repo({
  network: [adapter],
  storage: new DirStorageAdapter(dataDir),
  peerId: `js-server-${process.pid}`,
  sharePolicy: async () => false,
})

// The repo connects its network adapter only after its storage id is loaded;
// a WebSocket accepted before that is never served. Listen only afterwards.
while (!adapter.peerId) await new Promise(r => setTimeout(r, 5))

httpServer.listen(port, host, () => {
  const addr = httpServer.address()
  console.log(
    `Mitra is serving on http://${host}:${addr.port}/ (sync endpoint ws://${host}:${addr.port}/sync)`,
  )
})

let stopping = false
async function shutdown(signal) {
  if (stopping) return
  stopping = true
  console.error(`js-server: ${signal}, shutting down`)
  for (const client of wss.clients) client.close(1001, "server shutting down")
  await repo.flush()
  wss.close()
  httpServer.close()
  process.exit(0)
}
process.on("SIGTERM", () => void shutdown("SIGTERM"))
process.on("SIGINT", () => void shutdown("SIGINT"))
