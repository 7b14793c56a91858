// A real HTTP server, for component tests, that answers the members,
// invitations, tokens and audit endpoints of docs/api.md from memory, with
// the same status codes, error bodies, session cookie and audit events as
// Mitra's server. Tests drive the client against it over the network; no
// fetch is mocked.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

import type { AuditEvent, Invitation, Member, Role, Token, User } from "../app/api"

const ROLES: readonly Role[] = ["owner", "editor", "viewer"]
/** The password of every test account. */
export const TEST_PASSWORD = "secret-pass"

/** An account of the test server, with its password. */
export type TestAccount = User & { password: string }

/** A request the server answered, for tests to check what the client sent. */
export type SeenRequest = { method: string; path: string; body: unknown }

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

/** The API of one partnership, served from memory on 127.0.0.1. */
export class ApiTestServer {
  /** The partnership's id. */
  readonly partnership = "prt_test"
  /** Accounts by id. */
  readonly users = new Map<string, TestAccount>()
  /** Members' roles by user id. */
  readonly roles = new Map<string, { role: Role; added_at: string }>()
  /** Invitations, oldest first. */
  readonly invitations: Invitation[] = []
  /** Tokens, oldest first. */
  readonly tokens: Token[] = []
  /** The audit log, oldest first. */
  readonly audit: AuditEvent[] = []
  /** Every request answered, in order. */
  readonly seen: SeenRequest[] = []

  private readonly sessions = new Map<string, string>()
  private server: Server | null = null
  private held: Promise<void> | null = null
  private counter = 0
  private clock = Date.parse("2025-03-01T02:00:00Z")

  /** The server's origin, once started. */
  origin = ""

  /** Adds an account and makes it a member with `role`, as the server's setup or an invitation would. */
  addMember(username: string, display_name: string, organisation: string, role: Role, via = "invitation"): User {
    const id = `usr_${username}`
    const user: TestAccount = { id, username, display_name, organisation, created_at: this.now(), password: TEST_PASSWORD }
    this.users.set(id, user)
    this.roles.set(id, { role, added_at: this.now() })
    this.record(`user:${id}`, "member_added", { user: id, username, display_name, organisation, role, via })
    return publicUser(user)
  }

  /** Holds every request until the returned function is called (to see the client while it waits). */
  hold(): () => void {
    let release = () => {}
    this.held = new Promise((resolve) => (release = resolve))
    return () => {
      this.held = null
      release()
    }
  }

  /** Starts listening on a free port of 127.0.0.1; resolves to the origin. */
  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.answer(request, response))
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve))
    const { port } = this.server.address() as AddressInfo
    this.origin = `http://127.0.0.1:${port}`
    return this.origin
  }

  /** Stops listening and closes open connections. */
  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private now(): string {
    this.clock += 60_000
    return new Date(this.clock).toISOString()
  }

  private record(actor: string, kind: string, details: Record<string, unknown>): void {
    this.audit.push({ id: this.audit.length + 1, at: this.now(), actor, kind, details })
  }

  private nextId(prefix: string): string {
    this.counter += 1
    return `${prefix}_${this.counter}`
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://test")
    try {
      const body = await readBody(request)
      this.seen.push({ method: request.method ?? "GET", path: url.pathname + url.search, body })
      if (this.held) await this.held
      const answer = this.route(request, url, body)
      if (answer.status === 204) {
        response.writeHead(204).end()
      } else if (typeof answer.body === "string") {
        response.writeHead(answer.status, { "Content-Type": "text/csv", ...answer.headers }).end(answer.body)
      } else {
        response
          .writeHead(answer.status, { "Content-Type": "application/json", ...answer.headers })
          .end(JSON.stringify(answer.body))
      }
    } catch (e) {
      const error = e instanceof HttpError ? e : new HttpError(500, "internal", String(e))
      response
        .writeHead(error.status, { "Content-Type": "application/json" })
        .end(JSON.stringify({ error: error.code, message: error.message }))
    }
  }

  private route(
    request: IncomingMessage,
    url: URL,
    body: unknown,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const method = request.method ?? "GET"
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent)
    if (parts[0] !== "api") throw new HttpError(404, "not_found", "no such endpoint")
    if (method === "POST" && parts[1] === "session") return this.signIn(body)

    const caller = this.caller(request)
    if (parts[1] !== "partnerships" || parts[2] !== this.partnership) {
      throw new HttpError(404, "not_found", "no such partnership")
    }
    const myRole = this.roles.get(caller.id)?.role
    if (!myRole) throw new HttpError(404, "not_found", "no such partnership")
    const actor = `user:${caller.id}`
    const ownerOnly = () => {
      if (myRole !== "owner") throw new HttpError(403, "forbidden", "only owners may do that")
    }
    const [, , , collection, item] = parts

    switch (`${method} ${collection}${item === undefined ? "" : "/:id"}`) {
      case "GET members":
        return { status: 200, body: this.members() }
      case "PUT members/:id": {
        ownerOnly()
        const role = requireRole(body, ROLES)
        const current = this.member(item)
        if (current.role !== role) {
          if (current.role === "owner") this.keepAnOwner()
          this.record(actor, "role_changed", { user: item, from: current.role, to: role })
          current.role = role
        }
        return { status: 200, body: this.members().find((m) => m.user.id === item) }
      }
      case "DELETE members/:id": {
        if (item !== caller.id) ownerOnly()
        const current = this.member(item)
        if (current.role === "owner") this.keepAnOwner()
        this.roles.delete(item)
        this.record(actor, "member_removed", { user: item, role: current.role })
        return { status: 204 }
      }
      case "GET invitations":
        ownerOnly()
        return { status: 200, body: this.invitations.map((i) => ({ ...i, status: this.invitationStatus(i) })) }
      case "POST invitations": {
        ownerOnly()
        const role = requireRole(body, ROLES)
        const hours = (body as { expires_in_hours?: unknown }).expires_in_hours ?? 168
        if (typeof hours !== "number" || !Number.isInteger(hours) || hours < 1 || hours > 720) {
          throw new HttpError(400, "invalid_input", "expires_in_hours must be a whole number from 1 to 720")
        }
        const id = this.nextId("inv")
        const created_at = this.now()
        const expires_at = new Date(Date.parse(created_at) + hours * 3_600_000).toISOString()
        const secret = `minv_${id}_secret`
        this.invitations.push({ id, role, created_by: actor, created_at, expires_at, status: "pending" })
        this.record(actor, "invitation_created", { invitation: id, role, expires_at })
        return { status: 201, body: { id, role, expires_at, secret, link: `${this.origin}/#/invite/${secret}` } }
      }
      case "DELETE invitations/:id": {
        ownerOnly()
        const invitation = this.invitations.find((i) => i.id === item)
        if (!invitation) throw new HttpError(404, "not_found", "no such invitation")
        if (invitation.status === "pending") {
          invitation.status = "revoked"
          this.record(actor, "invitation_revoked", { invitation: item })
        }
        return { status: 204 }
      }
      case "GET tokens":
        ownerOnly()
        return { status: 200, body: this.tokens }
      case "POST tokens": {
        ownerOnly()
        const role = requireRole(body, ["editor", "viewer"])
        const label = (body as { label?: unknown }).label
        if (typeof label !== "string" || label.trim() === "") throw new HttpError(400, "invalid_input", "label is required")
        const id = this.nextId("tok")
        this.tokens.push({ id, label, role, created_by: actor, created_at: this.now(), revoked_at: null })
        this.record(actor, "token_created", { token: id, role, label })
        return { status: 201, body: { id, label, role, secret: `mtk_${id}_secret` } }
      }
      case "DELETE tokens/:id": {
        ownerOnly()
        const token = this.tokens.find((t) => t.id === item)
        if (!token) throw new HttpError(404, "not_found", "no such token")
        if (token.revoked_at === null) {
          token.revoked_at = this.now()
          this.record(actor, "token_revoked", { token: item, role: token.role, label: token.label })
        }
        return { status: 204 }
      }
      case "GET audit":
        ownerOnly()
        if (url.searchParams.get("format") === "csv") {
          const lines = this.audit.map((e) => [e.id, e.at, e.actor, this.partnership, e.kind, csvCell(JSON.stringify(e.details))].join(","))
          return {
            status: 200,
            body: ["id,at,actor,partnership,kind,details", ...lines].join("\r\n") + "\r\n",
            headers: { "Content-Disposition": 'attachment; filename="audit.csv"' },
          }
        }
        return { status: 200, body: this.audit }
      default:
        throw new HttpError(404, "not_found", "no such endpoint")
    }
  }

  private signIn(body: unknown): { status: number; body: unknown; headers: Record<string, string> } {
    const { username, password } = (body ?? {}) as { username?: string; password?: string }
    const user = [...this.users.values()].find((u) => u.username === username && u.password === password)
    if (!user) throw new HttpError(401, "invalid_credentials", "wrong username or password")
    const session = this.nextId("ses")
    this.sessions.set(session, user.id)
    return {
      status: 200,
      body: { auth: "required", user: publicUser(user), partnerships: [] },
      headers: { "Set-Cookie": `mitra_session=${session}; HttpOnly; SameSite=Lax; Path=/` },
    }
  }

  private caller(request: IncomingMessage): User {
    const cookie = /(?:^|;\s*)mitra_session=([^;]+)/.exec(request.headers.cookie ?? "")?.[1]
    const user = cookie === undefined ? undefined : this.users.get(this.sessions.get(cookie) ?? "")
    if (!user || !this.users.has(user.id)) {
      throw new HttpError(401, "unauthenticated", "sign in first")
    }
    return user
  }

  private members(): Member[] {
    return [...this.roles.entries()].map(([id, { role, added_at }]) => ({
      user: publicUser(this.users.get(id) as TestAccount),
      role,
      added_at,
    }))
  }

  private member(id: string): { role: Role; added_at: string } {
    const member = this.roles.get(id)
    if (!member) throw new HttpError(404, "not_found", "no such member")
    return member
  }

  private invitationStatus(invitation: Invitation): Invitation["status"] {
    const expired = invitation.status === "pending" && Date.parse(invitation.expires_at) <= this.clock
    return expired ? "expired" : invitation.status
  }

  private keepAnOwner(): void {
    const owners = [...this.roles.values()].filter((m) => m.role === "owner").length
    if (owners <= 1) {
      throw new HttpError(409, "conflict", "a partnership needs at least one owner: make someone else owner first")
    }
  }
}

function publicUser({ password: _, ...user }: TestAccount): User {
  return user
}

function requireRole<R extends Role>(body: unknown, allowed: readonly R[]): R {
  const role = (body as { role?: unknown } | undefined)?.role
  if (typeof role !== "string" || !(allowed as readonly string[]).includes(role)) {
    throw new HttpError(400, "invalid_input", `role must be one of ${allowed.join(", ")}`)
  }
  return role as R
}

function csvCell(text: string): string {
  return `"${text.replace(/"/g, '""')}"`
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const chunk of request) chunks.push(chunk as Buffer)
  if (chunks.length === 0) return undefined
  if (!(request.headers["content-type"] ?? "").startsWith("application/json")) {
    throw new HttpError(415, "unsupported_media_type", "send JSON")
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"))
  } catch {
    throw new HttpError(400, "invalid_input", "the body is not JSON")
  }
}
