// Where a program connects with an API token.

/**
 * The sync endpoint's address with `secret` as its token, on the server at
 * `origin` (`https` becomes `wss`, `http` becomes `ws`).
 */
export function syncUrl(secret: string, origin: string = window.location.origin): string {
  const url = new URL("/sync", origin)
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:"
  url.searchParams.set("token", secret)
  return url.toString()
}
