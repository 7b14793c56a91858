// New documents of a partnership. A member of several partnerships tells the
// server where a new document goes by claiming its id BEFORE the first sync;
// the server refuses to sync a document it cannot place. So: make the id,
// claim it, and only then create the document here (it syncs from then on).
import * as A from "@automerge/automerge"
import { generateAutomergeUrl, parseAutomergeUrl, type DocHandle, type Repo } from "@automerge/automerge-repo"

import type { CharterDocument, Language } from "../generated/model"
import { newCharter } from "../model/create"
import { api } from "./api"

/**
 * Creates a document of the partnership `partnershipId` with the content
 * `initial`: claims a new id on the server, then creates the document in
 * `repo` under that id and saves it on this device. When the claim fails
 * (refused, or the server cannot be reached) it throws the `ApiError` and
 * creates nothing.
 */
export async function createInPartnership<T extends object>(
  repo: Repo,
  partnershipId: string,
  initial: T,
): Promise<DocHandle<T>> {
  const { documentId } = parseAutomergeUrl(generateAutomergeUrl())
  await api.claimDocument(partnershipId, documentId)
  const handle = repo.import<T>(A.save(A.from(initial as Record<string, unknown>)), { docId: documentId })
  // `import` with an id does not save by itself until the next change.
  await repo.flush([documentId])
  return handle
}

/**
 * Creates the charter of a partnership that has none yet and names it the
 * partnership's charter on the server (owners only).
 */
export async function createCharter(
  repo: Repo,
  partnershipId: string,
  name: string,
  language: Language,
): Promise<DocHandle<CharterDocument>> {
  const handle = await createInPartnership(repo, partnershipId, newCharter(name, language))
  await api.setCharter(partnershipId, handle.documentId)
  return handle
}
