// The browser client's entry point.
import { render } from "preact"

import { PendingTracker } from "./app/pending"
import { createWorkspace } from "./app/repo"
import { countPendingEditsWith } from "./app/session"
import { locale } from "./i18n"
import { App } from "./ui/App"
import "./styles.css"

const workspace = createWorkspace()
const services = { ...workspace, pending: new PendingTracker(workspace.serverStorageId) }
// Signing out asks first while edits have not reached the server.
countPendingEditsWith(services.pending.count)
document.documentElement.lang = locale.value
// For debugging in the browser console and for the end-to-end tests.
;(window as unknown as { mitra: unknown }).mitra = services
render(<App services={services} />, document.getElementById("app")!)
