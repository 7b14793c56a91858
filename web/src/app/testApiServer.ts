// For tests: a real HTTP server on loopback that answers like Mitra's API
// (docs/api.md) with what each test says, and records what it was asked.
import { createServer, type IncomingMessage, type Server } from "node:http"
import type { AddressInfo } from "node:net"

import { setApiBase } from "./api"

/** One request the server received. */
export type Received = { method: string; path: string; body: unknown }

/** What a handler answers: a status and a JSON body (none for 204). */
export type Answer = { status: number; body?: unknown }

/** Answers a request (`METHOD /api/path` keys in {@link TestApiServer.on}). */
export type Handler = (request: Received) => Answer | Promise<Answer>

/** A loopback API server the `api` client is pointed at. */
export class TestApiServer {
  /** Every request, in order. */
  readonly received: Received[] = []
  readonly #handlers = new Map<string, Handler>()
  readonly #server: Server

  private constructor(server: Server) {
    this.#server = server
  }

  /** Starts a server on a free port and points `api` at it. */
  static async start(): Promise<TestApiServer> {
    let self: TestApiServer | undefined
    const server = createServer((req, res) => {
      void (async () => {
        const request = { method: req.method ?? "GET", path: req.url ?? "/", body: await readBody(req) }
        self!.received.push(request)
        const handler = self!.#handlers.get(`${request.method} ${request.path}`)
        const answer = handler
          ? await handler(request)
          : { status: 404, body: { error: "not_found", message: "no handler in this test" } }
        if (answer.body === undefined) {
          res.writeHead(answer.status).end()
        } else {
          res.writeHead(answer.status, { "Content-Type": "application/json" }).end(JSON.stringify(answer.body))
        }
      })()
    })
    self = new TestApiServer(server)
    await new Promise<void>((listening) => server.listen(0, "127.0.0.1", listening))
    setApiBase(self.origin)
    return self
  }

  /** The server's origin (`http://127.0.0.1:port`). */
  get origin(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`
  }

  /** Answers `METHOD /api/path` with `handler` (or a fixed answer). */
  on(route: string, handler: Handler | Answer): this {
    this.#handlers.set(route, typeof handler === "function" ? handler : () => handler)
    return this
  }

  /** Stops the server (requests then fail as a network error). */
  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((closed) => this.#server.close(() => closed()))
  }
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString("utf8")
  return text === "" ? undefined : (JSON.parse(text) as unknown)
}
