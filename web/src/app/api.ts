// The client of Mitra's JSON API (docs/api.md): accounts, partnerships,
// members, invitations, tokens, the audit log and attested history. Same
// origin, the session cookie travels by itself; documents never go through
// here (they sync over the WebSocket).

/** A role in a partnership. */
export type Role = "owner" | "editor" | "viewer"

/** A person with an account. */
export type User = {
  id: string
  username: string
  display_name: string
  organisation: string
  created_at: string
}

/** A partnership as one of its members sees it. */
export type Partnership = {
  id: string
  name: string
  /** The charter document's id, once set. */
  charter: string | null
  /** The caller's role in it. */
  role: Role
}

/** Who is signed in, with their partnerships. */
export type Me = { auth: "required"; user: User; partnerships: Partnership[] }

/** What `GET /api/me` says: open mode, or the signed-in person. */
export type MeAnswer = { auth: "open" } | Me

/** A member of a partnership. */
export type Member = { user: User; role: Role; added_at: string }

/** Where an invitation stands. */
export type InvitationStatus = "pending" | "used" | "expired" | "revoked"

/** An invitation as its partnership's owners see it (never its secret). */
export type Invitation = {
  id: string
  role: Role
  created_by: string
  created_at: string
  expires_at: string
  status: InvitationStatus
}

/** A new invitation: its secret and link are shown once. */
export type CreatedInvitation = { id: string; role: Role; expires_at: string; secret: string; link: string }

/** What an invitation offers, as its holder sees it before joining. */
export type InvitationOffer = {
  partnership: { id: string; name: string }
  role: Role
  expires_at: string
  status: InvitationStatus
}

/** An API token as listed (never its secret). */
export type Token = {
  id: string
  label: string
  role: Role
  created_by: string
  created_at: string
  revoked_at: string | null
}

/** A new API token: its secret is shown once. */
export type CreatedToken = { id: string; label: string; role: Role; secret: string }

/** A document's partnership and the caller's role there. */
export type DocumentAccess = { document: string; partnership: Partnership; role: Role }

/** The server's attestation of who delivered one change. */
export type AttestedChange = {
  hash: string
  at: string
  user_id: string | null
  token_id: string | null
  display_name: string
  organisation: string
}

/** A document's attested history, in the order the server accepted it. */
export type DocumentHistory = { document: string; changes: AttestedChange[] }

/** One audit-log entry. */
export type AuditEvent = {
  id: number
  at: string
  actor: string
  kind: string
  details: Record<string, unknown>
}

/** What a new account gives. */
export type NewAccount = {
  username: string
  password: string
  display_name: string
  organisation: string
}

/** An error the API answered (or `network` when it could not be reached). */
export class ApiError extends Error {
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number
  /** The API's error code (`unauthenticated`, `forbidden`, …, or `network`). */
  readonly code: string
  /** The whole error body, for fields such as `setup_needed`. */
  readonly body: Record<string, unknown>

  constructor(status: number, code: string, message: string, body: Record<string, unknown> = {}) {
    super(message)
    this.name = "ApiError"
    this.status = status
    this.code = code
    this.body = body
  }

  /** True when the server could not be reached at all. */
  get isNetwork(): boolean {
    return this.status === 0
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/** Where the API lives; tests point it at their own server. */
let base = ""

/** Sets the origin the API is called on (empty: the page's own origin). */
export function setApiBase(origin: string): void {
  base = origin.replace(/\/$/, "")
}

async function call<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(`${base}/api${path}`, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (e) {
    throw new ApiError(0, "network", e instanceof Error ? e.message : String(e))
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  let parsed: unknown = undefined
  try {
    parsed = text === "" ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!response.ok) {
    const fields = (parsed && typeof parsed === "object" ? parsed : {}) as Record<string, unknown>
    const code = typeof fields.error === "string" ? fields.error : `http_${response.status}`
    const message =
      typeof fields.message === "string" ? fields.message : `${response.status} ${response.statusText}`.trim()
    throw new ApiError(response.status, code, message, fields)
  }
  if (parsed === undefined) {
    throw new ApiError(response.status, "bad_response", "the server answered with something that is not JSON")
  }
  return parsed as T
}

const enc = encodeURIComponent

/** The API's calls, one function per endpoint of docs/api.md. */
export const api = {
  me: () => call<MeAnswer>("GET", "/me"),
  updateMe: (changes: { display_name?: string; organisation?: string }) => call<Me>("PATCH", "/me", changes),
  changePassword: (current: string, next: string) =>
    call<void>("POST", "/me/password", { current, new: next }),

  setupNeeded: () => call<{ needed: boolean }>("GET", "/setup"),
  completeSetup: (setup: NewAccount & { setup_secret: string; partnership_name: string }) =>
    call<Me>("POST", "/setup", setup),

  signIn: (username: string, password: string) => call<Me>("POST", "/session", { username, password }),
  signOut: () => call<void>("DELETE", "/session"),

  createPartnership: (name: string) => call<Partnership>("POST", "/partnerships", { name }),
  partnership: (id: string) => call<Partnership>("GET", `/partnerships/${enc(id)}`),
  setCharter: (id: string, document: string) =>
    call<Partnership>("PUT", `/partnerships/${enc(id)}/charter`, { document }),
  claimDocument: (id: string, document: string) =>
    call<{ document: string; partnership: string; role: Role }>("POST", `/partnerships/${enc(id)}/documents`, {
      document,
    }),
  document: (document: string) => call<DocumentAccess>("GET", `/documents/${enc(document)}`),
  history: (document: string) => call<DocumentHistory>("GET", `/documents/${enc(document)}/history`),

  members: (id: string) => call<Member[]>("GET", `/partnerships/${enc(id)}/members`),
  setRole: (id: string, user: string, role: Role) =>
    call<Member>("PUT", `/partnerships/${enc(id)}/members/${enc(user)}`, { role }),
  removeMember: (id: string, user: string) =>
    call<void>("DELETE", `/partnerships/${enc(id)}/members/${enc(user)}`),

  invite: (id: string, role: Role, expiresInHours?: number) =>
    call<CreatedInvitation>("POST", `/partnerships/${enc(id)}/invitations`, {
      role,
      ...(expiresInHours === undefined ? {} : { expires_in_hours: expiresInHours }),
    }),
  invitations: (id: string) => call<Invitation[]>("GET", `/partnerships/${enc(id)}/invitations`),
  revokeInvitation: (id: string, invitation: string) =>
    call<void>("DELETE", `/partnerships/${enc(id)}/invitations/${enc(invitation)}`),
  inspectInvitation: (invitation: string) => call<InvitationOffer>("POST", "/invitations/inspect", { invitation }),
  acceptInvitation: (invitation: string, account?: NewAccount) =>
    call<Me>("POST", "/invitations/accept", account === undefined ? { invitation } : { invitation, account }),

  tokens: (id: string) => call<Token[]>("GET", `/partnerships/${enc(id)}/tokens`),
  createToken: (id: string, label: string, role: Exclude<Role, "owner">) =>
    call<CreatedToken>("POST", `/partnerships/${enc(id)}/tokens`, { label, role }),
  revokeToken: (id: string, token: string) => call<void>("DELETE", `/partnerships/${enc(id)}/tokens/${enc(token)}`),

  audit: (id: string) => call<AuditEvent[]>("GET", `/partnerships/${enc(id)}/audit`),
  /** The URL that downloads the audit log (`json` or `csv`). */
  auditDownloadUrl: (id: string, format: "json" | "csv") =>
    `${base}/api/partnerships/${enc(id)}/audit?format=${format}`,
}
