// The server's attestation of who delivered each change of a document
// (`GET /api/documents/:document/history`, docs/api.md): the signed-in
// account or API token that sent it and when the server accepted it. Unlike
// a change's actor id, which any client can choose, this proves something.

/** Who delivered one change, as the server recorded it. */
export type Attestation = {
  /** When the server accepted the change (ms since the epoch). */
  at: number
  /** The account that delivered it, if an account did. */
  userId: string | null
  /** The API token that delivered it, if a token did. */
  tokenId: string | null
  /** The deliverer's display name at the time. */
  name: string
  /** Their organisation at the time. */
  organisation: string
}

/** Attestations by change hash. */
export type Attestations = ReadonlyMap<string, Attestation>

/** No attestation at all. */
export const NO_ATTESTATIONS: Attestations = new Map()

/** Whether `a` says the same as `b`. */
export function sameAttestation(a: Attestation | undefined, b: Attestation): boolean {
  return (
    a !== undefined &&
    a.at === b.at &&
    a.userId === b.userId &&
    a.tokenId === b.tokenId &&
    a.name === b.name &&
    a.organisation === b.organisation
  )
}

/** Whether two sets of attestations say the same. */
export function sameAttestations(a: Attestations, b: Attestations): boolean {
  if (a.size !== b.size) return false
  for (const [hash, x] of b) {
    if (!sameAttestation(a.get(hash), x)) return false
  }
  return true
}

/** How the server answers for attribution. */
export type AuthMode = "open" | "required" | "signedOut" | "unknown"

/** Where loading a document's attestations stands. */
export type AttestationState =
  | { state: "loading"; attestations: Attestations }
  | { state: "ready"; attestations: Attestations }
  /** The server runs without sign-in: nothing can be attested. */
  | { state: "open"; attestations: Attestations }
  /** Not signed in: the server does not say. */
  | { state: "signedOut"; attestations: Attestations }
  /** The server did not answer as documented; the last good attestations are kept. */
  | { state: "error"; attestations: Attestations }

/** Parses the body of the history endpoint (unknown or malformed entries are skipped). */
export function parseHistory(body: unknown): Attestations {
  const out = new Map<string, Attestation>()
  const changes = body && typeof body === "object" && "changes" in body ? body.changes : null
  if (!Array.isArray(changes)) return out
  for (const entry of changes as unknown[]) {
    if (!entry || typeof entry !== "object") continue
    const e = entry as Record<string, unknown>
    const hash = text(e.hash) ?? text(e.change_hash)
    const at = Date.parse(text(e.at) ?? "")
    if (!hash || Number.isNaN(at)) continue
    out.set(hash, {
      at,
      userId: text(e.user_id),
      tokenId: text(e.token_id),
      name: text(e.display_name) ?? "",
      organisation: text(e.organisation) ?? "",
    })
  }
  return out
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null
}

/** Asks the server whether it runs with sign-in (`GET /api/me`). */
export async function fetchAuthMode(fetcher: typeof fetch = fetch): Promise<AuthMode> {
  try {
    const response = await fetcher("/api/me", { credentials: "same-origin", headers: { Accept: "application/json" } })
    if (response.status === 401) return "signedOut"
    if (!response.ok) return "unknown"
    const body: unknown = await response.json()
    const auth = body && typeof body === "object" && "auth" in body ? body.auth : null
    return auth === "open" ? "open" : "required"
  } catch {
    return "unknown"
  }
}

/** What fetching a document's attestations gave. */
export type HistoryAnswer =
  | { state: "ready"; attestations: Attestations }
  | { state: "open" | "signedOut" | "error" }

/**
 * Fetches the server's attestations of `documentId`'s changes. A document
 * the server does not know yet (never synced) has none.
 */
export async function fetchAttestations(
  documentId: string,
  signal?: AbortSignal,
  fetcher: typeof fetch = fetch,
): Promise<HistoryAnswer> {
  let response: Response
  try {
    response = await fetcher(`/api/documents/${encodeURIComponent(documentId)}/history`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal,
    })
  } catch (error) {
    if (signal?.aborted) throw error
    return { state: "error" }
  }
  if (response.status === 401) return { state: "signedOut" }
  const body: unknown = await response.json().catch(() => null)
  if (response.status === 404) {
    const code = body && typeof body === "object" && "error" in body ? body.error : null
    return code === "auth_disabled" ? { state: "open" } : { state: "ready", attestations: NO_ATTESTATIONS }
  }
  if (!response.ok) return { state: "error" }
  return { state: "ready", attestations: parseHistory(body) }
}
