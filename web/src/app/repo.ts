// The automerge-repo peer this browser runs: IndexedDB storage (the
// workspace opens and edits offline), in the database of whoever uses it
// (one per account, see deviceData.ts) once the session says who, and one
// WebSocket to the Mitra server it was loaded from, opened once the session
// allows syncing (open mode or signed in): a signed-out page does not knock
// at the server every two seconds with a socket it would refuse.
import { Repo, type PeerId, type StorageAdapterInterface, type StorageId } from "@automerge/automerge-repo"
import { WebSocketClientAdapter } from "@automerge/automerge-repo-network-websocket"
import { IndexedDBStorageAdapter } from "@automerge/automerge-repo-storage-indexeddb"
import { effect, signal, type ReadonlySignal, type Signal } from "@preact/signals"

import { DeferredStorageAdapter } from "./deferredStorage"
import { databaseName, deviceUser } from "./deviceData"
import { syncAllowed } from "./session"

/** Where the WebSocket to the server stands. */
export type ConnectionState = "connected" | "reconnecting" | "offline"

/** The browser's repo and what the interface shows about its connection. */
export type Workspace = {
  /** The automerge-repo peer. */
  repo: Repo
  /** The WebSocket's state, kept current. */
  connection: Signal<ConnectionState>
  /** The server's storage id once it has said it, for "saved on the server". */
  serverStorageId: Signal<StorageId | undefined>
}

/** How often the adapter retries a lost connection, in milliseconds. */
export const RETRY_INTERVAL_MS = 2000

/** The sync endpoint on the origin the page came from (`ws(s)://host/sync`). */
export function syncUrl(location: Pick<Location, "protocol" | "host">): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:"
  return `${scheme}//${location.host}/sync`
}

/**
 * The IndexedDB storage in the database `name`. Its connection closes when
 * another page asks to delete the database (signing out, maybe in another
 * tab), so that the deletion is not blocked.
 */
function indexedDbStorage(name: string): StorageAdapterInterface {
  const adapter = new IndexedDBStorageAdapter(name)
  // The adapter keeps its connection to itself; reach for it to close it.
  const { dbPromise } = adapter as unknown as { dbPromise?: Promise<IDBDatabase> }
  void dbPromise?.then(
    (db) => {
      db.onversionchange = () => db.close()
    },
    () => {},
  )
  return adapter
}

/**
 * Makes the workspace's repo; it keeps its documents in the database of
 * `user` once known (see {@link deviceUser}) and connects to `url` once
 * `allowed` is true.
 */
export function createWorkspace(
  url: string = syncUrl(window.location),
  allowed: ReadonlySignal<boolean> = syncAllowed,
  user: ReadonlySignal<string | null | undefined> = deviceUser,
): Workspace {
  const storage = new DeferredStorageAdapter()
  effect(() => {
    const owner = user.value
    if (owner !== undefined && !storage.opened) storage.open(indexedDbStorage(databaseName(owner)))
  })
  const repo = new Repo({
    network: [],
    storage,
    // The server is the only peer; share every document with it.
    sharePolicy: async () => true,
  })
  const connection = signal<ConnectionState>(navigator.onLine ? "reconnecting" : "offline")
  const serverStorageId = signal<StorageId | undefined>(undefined)
  let serverPeer: PeerId | undefined

  const update = () => {
    if (serverPeer !== undefined) connection.value = "connected"
    else connection.value = navigator.onLine ? "reconnecting" : "offline"
  }
  repo.networkSubsystem.on("peer", ({ peerId, peerMetadata }) => {
    serverPeer = peerId
    serverStorageId.value = peerMetadata?.storageId
    update()
  })
  repo.networkSubsystem.on("peer-disconnected", ({ peerId }) => {
    if (peerId === serverPeer) serverPeer = undefined
    update()
  })
  window.addEventListener("online", update)
  window.addEventListener("offline", update)
  // Connected once for the page's life: signing out loads the page again.
  let connecting = false
  effect(() => {
    if (connecting || !allowed.value) return
    connecting = true
    repo.networkSubsystem.addNetworkAdapter(new WebSocketClientAdapter(url, RETRY_INTERVAL_MS))
  })
  return { repo, connection, serverStorageId }
}
