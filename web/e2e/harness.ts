// What the end-to-end tests run against: the real `mitra serve` binary, a
// loopback TCP proxy per person (to cut one person's network), and real
// headless Chromium from Debian's package.
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from "node:child_process"
import { mkdirSync, mkdtempSync, rmSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core"

const here = dirname(fileURLToPath(import.meta.url))

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = resolve(here, "../e2e-artifacts")

/** The mitra binary under test (`MITRA_BIN`, or the debug build of this repository). */
export const MITRA_BIN = process.env.MITRA_BIN ?? resolve(here, "../../target/debug/mitra")
/** The browser (`CHROMIUM`, or Debian's chromium). */
export const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium"

/** A running `mitra serve` with sign-in required and the demo partnership. */
export class Mitra {
  /** `host:port` the server listens on. */
  address = ""
  /** The English demo charter's document id. */
  charterId = ""
  /** The one-time setup link the first start printed (`http://…/#/setup/<secret>`). */
  setupLink = ""
  #child: ChildProcessWithoutNullStreams | null = null
  #log: string[] = []

  private constructor(readonly dataDir: string) {}

  /**
   * Starts a server on a fresh data directory, as `mitra serve` runs by
   * default: sign-in required. It creates the demo and prints the setup link.
   */
  static async start(): Promise<Mitra> {
    const mitra = new Mitra(mkdtempSync(join(tmpdir(), "mitra-e2e-")))
    await mitra.#spawn(true)
    if (!mitra.charterId) throw new Error(`no demo partnership was printed:\n${mitra.#log.join("\n")}`)
    return mitra
  }

  /**
   * Starts the binary. On a fresh data directory it prints the demo and then
   * the setup link (the last thing it prints); later starts print neither.
   */
  async #spawn(firstRun: boolean): Promise<void> {
    const child = spawn(
      MITRA_BIN,
      ["serve", "--listen", "127.0.0.1:0", "--data-dir", this.dataDir, "--web-dir", resolve(here, "../dist")],
      // No MITRA_* from the environment decides how the server under test runs.
      { env: { ...withoutMitraSettings(), MITRA_LOG: process.env.MITRA_LOG ?? "warn" } },
    )
    this.#child = child
    child.stderr.on("data", (d: Buffer) => this.#log.push(d.toString()))
    const lines = createInterface({ input: child.stdout })
    await new Promise<void>((started, reject) => {
      const timer = setTimeout(() => reject(new Error(`mitra did not start:\n${this.#log.join("")}`)), 30_000)
      child.on("exit", (code) => reject(new Error(`mitra exited with ${code}:\n${this.#log.join("")}`)))
      lines.on("line", (line) => {
        this.#log.push(line)
        const serving = /Mitra is serving on http:\/\/([^/]+)\//.exec(line)
        if (serving) this.address = serving[1]!
        const demo = /\(English\): http:\/\/[^#]+#\/p\/([^/\s]+)\/charter/.exec(line)
        if (demo) this.charterId = demo[1]!
        const setup = /(http:\/\/\S+\/#\/setup\/\S+)/.exec(line)
        if (setup) this.setupLink = setup[1]!
        if ((serving && !firstRun) || setup) {
          clearTimeout(timer)
          started()
        }
      })
    })
  }

  /**
   * Exports a document as the Rust model reads it (`mitra export --format
   * json`), next to the running server.
   */
  export(documentId: string): { document: Record<string, unknown>; problems: unknown[] } {
    const out = execFileSync(MITRA_BIN, ["export", "--data-dir", this.dataDir, documentId, "--format", "json"], {
      encoding: "utf8",
      env: { ...process.env, MITRA_LOG: "warn" },
    })
    return JSON.parse(out) as { document: Record<string, unknown>; problems: unknown[] }
  }

  /** Stops the server (SIGTERM, graceful). */
  async stop(): Promise<void> {
    const child = this.#child
    if (!child || child.exitCode !== null) return
    await new Promise<void>((done) => {
      child.removeAllListeners("exit")
      child.on("exit", () => done())
      child.kill("SIGTERM")
    })
    this.#child = null
  }

  /** Stops and starts the server on the same data directory (a new port). */
  async restart(): Promise<void> {
    await this.stop()
    this.address = ""
    await this.#spawn(false)
  }

  /** Stops the server and removes its data. */
  async destroy(): Promise<void> {
    await this.stop()
    rmSync(this.dataDir, { recursive: true, force: true })
  }
}

/** This process's environment without `MITRA_*` settings (the test decides how mitra runs). */
function withoutMitraSettings(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => !e[0].startsWith("MITRA_") && e[1] !== undefined),
  )
}

/** A loopback TCP proxy in front of the server: one person's network, which a test can cut. */
export class NetworkLink {
  readonly #server: net.Server
  readonly #sockets = new Set<net.Socket>()
  #up = true

  private constructor(
    server: net.Server,
    readonly target: () => string,
  ) {
    this.#server = server
  }

  /** Starts a proxy to the address `target()` returns at each new connection. */
  static async start(target: () => string): Promise<NetworkLink> {
    const server = net.createServer()
    const link = new NetworkLink(server, target)
    server.on("connection", (client) => link.#accept(client))
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done))
    return link
  }

  /** The origin pages are loaded from through this link. */
  get origin(): string {
    const address = this.#server.address() as net.AddressInfo
    return `http://127.0.0.1:${address.port}`
  }

  #accept(client: net.Socket): void {
    if (!this.#up) {
      client.destroy()
      return
    }
    const [host, port] = this.target().split(":")
    const upstream = net.connect(Number(port), host)
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket)
      socket.on("close", () => this.#sockets.delete(socket))
      socket.on("error", () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.#up = false
    for (const socket of this.#sockets) socket.destroy()
  }

  /** Accepts connections again. */
  restore(): void {
    this.#up = true
  }

  /** Stops the proxy. */
  async close(): Promise<void> {
    this.cut()
    await new Promise<void>((done) => this.#server.close(() => done()))
  }
}

/** Launches headless Chromium with the flags this machine needs. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  })
}

/** A person at their own browser, on their own network link, with their Mitra account. */
export type Person = {
  /** Their name, as others see it (their account's display name). */
  name: string
  /** Their organisation. */
  organisation: string
  /** Their account's username and password. */
  username: string
  password: string
  /** Their browser profile. */
  context: BrowserContext
  /** Their tab. */
  page: Page
  /** Their network. */
  link: NetworkLink
  /** Errors the page threw. */
  errors: string[]
}

/** The username a person's account gets: their first name, lowercased. */
function usernameOf(name: string): string {
  return name.split(" ")[0]!.toLowerCase()
}

/**
 * Opens a browser profile for a person, who has no account yet: they get one
 * with {@link completeSetup} or {@link acceptInvitation}. English until they
 * switch.
 */
export async function person(
  browser: Browser,
  mitra: Mitra,
  name: string,
  organisation: string,
  options: BrowserContextOptions = {},
): Promise<Person> {
  const link = await NetworkLink.start(() => mitra.address)
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options })
  await context.addInitScript(() => {
    if (!localStorage.getItem("mitra.locale")) localStorage.setItem("mitra.locale", "en")
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on("pageerror", (e) => errors.push(e.message))
  const username = usernameOf(name)
  return { name, organisation, username, password: `${username}-passphrase-2026`, context, page, link, errors }
}

/** `link` (any origin) opened through the person's own network link. */
export function throughLink(p: Person, link: string): string {
  const url = new URL(link)
  return `${p.link.origin}${url.pathname}${url.search}${url.hash}`
}

/** Fills the account fields a form shows with the person's details (`prefix`: `setup` or `invite`). */
async function fillAccount(p: Person, prefix: string): Promise<void> {
  await p.page.fill(`[data-testid=${prefix}-username]`, p.username)
  await p.page.fill(`[data-testid=${prefix}-password]`, p.password)
  const confirm = p.page.locator(`[data-testid=${prefix}-password-confirm]`)
  if ((await confirm.count()) > 0) await confirm.fill(p.password)
  await p.page.fill(`[data-testid=${prefix}-name]`, p.name)
  await p.page.fill(`[data-testid=${prefix}-organisation]`, p.organisation)
}

/**
 * The first person opens the setup link `mitra serve` printed and creates
 * the first owner's account and a partnership; they become owner of the
 * demo partnerships too.
 */
export async function completeSetup(p: Person, mitra: Mitra, partnershipName: string): Promise<void> {
  await p.page.goto(throughLink(p, mitra.setupLink))
  await p.page.locator("[data-testid=setup-page]").waitFor()
  await fillAccount(p, "setup")
  await p.page.fill("[data-testid=setup-partnership]", partnershipName)
  await p.page.click("[data-testid=setup-submit]")
  await p.page.locator("[data-testid=sign-out]").waitFor({ timeout: 15_000 })
}

/** An owner creates an invitation to the demo partnership on its Members tab; returns the link. */
export async function invite(owner: Person, mitra: Mitra, role: "owner" | "editor" | "viewer"): Promise<string> {
  await owner.page.goto(partnershipUrl(owner, mitra, "members"))
  await owner.page.locator("[data-testid=invite-create]").waitFor({ timeout: 15_000 })
  await owner.page.selectOption("[data-testid=invite-role]", role)
  await owner.page.click("[data-testid=invite-create]")
  const shown = owner.page.locator("[data-testid=invitation-link]")
  await shown.waitFor()
  const text = (await shown.evaluate((e) => ("value" in e ? String(e.value) : e.textContent ?? ""))).trim()
  if (!text.includes("/#/invite/")) throw new Error(`not an invitation link: ${text}`)
  return text
}

/** A person opens an invitation link and joins with a new account. */
export async function acceptInvitation(p: Person, link: string): Promise<void> {
  await p.page.goto(throughLink(p, link))
  await p.page.locator("[data-testid=invite-page]").waitFor()
  await fillAccount(p, "invite")
  await p.page.click("[data-testid=invite-submit]")
  await p.page.locator("[data-testid=sign-out]").waitFor({ timeout: 15_000 })
}

/** The browser link to a tab of the demo partnership, through a person's link. */
export function partnershipUrl(p: Person, mitra: Mitra, tab = "charter"): string {
  return `${p.link.origin}/#/p/${mitra.charterId}/${tab}`
}

/** Saves a screenshot under {@link ARTIFACTS}. */
export async function screenshot(target: Page | ReturnType<Page["locator"]>, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true })
  const path = join(ARTIFACTS, `${name}.png`)
  if ("goto" in target) {
    // From the top, so the sticky header sits where it belongs.
    await target.evaluate(() => window.scrollTo(0, 0))
    await target.screenshot({ path, fullPage: true })
  } else {
    await target.screenshot({ path })
  }
  return path
}

/** Waits until the person's client says it is connected and everything reached the server. */
export async function waitSaved(p: Person, timeout = 15_000): Promise<void> {
  await p.page.waitForSelector('[data-testid=connection][data-state=connected][data-pending=false]', { timeout })
}
