// Every section of the workspace, checked in real Chromium: no serious
// accessibility violations (axe-core), no sideways scrolling on a phone,
// and the interface in Bahasa Indonesia.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"

import {
  acceptInvitation,
  completeSetup,
  invite,
  launchBrowser,
  Mitra,
  partnershipUrl,
  person,
  screenshot,
  waitSaved,
  type Person,
} from "./harness"

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

let mitra: Mitra
let browser: Browser
/** The first owner, who invites everyone else. */
let owner: Person

beforeAll(async () => {
  mitra = await Mitra.start()
  browser = await launchBrowser()
  owner = await person(browser, mitra, "Dewi Kartika", "Bappeda Sukamaju", { bypassCSP: true })
})

afterAll(async () => {
  await browser?.close()
  await owner?.link.close()
  await mitra?.destroy()
})

/** A new person who joins the demo partnership as an editor. */
async function editor(name: string, organisation: string, options: Parameters<typeof person>[4] = {}): Promise<Person> {
  const p = await person(browser, mitra, name, organisation, options)
  await acceptInvitation(p, await invite(owner, mitra, "editor"))
  return p
}

/** Opens each section in turn (the first meeting for "meeting") and calls `check` on it. */
async function eachSection(p: Person, check: (section: string, page: Page) => Promise<void>): Promise<void> {
  for (const tab of ["charter", "goals", "meetings", "meeting", "actions", "history", "members"]) {
    if (tab === "meeting") {
      await p.page.locator("[data-testid=meeting-link]").first().click()
      await p.page.locator("[data-testid=meeting-notes] .cm-content").waitFor()
    } else {
      await p.page.goto(partnershipUrl(p, mitra, tab))
      await p.page.locator(`[data-testid=tab-${tab}][aria-current=page]`).waitFor()
    }
    await waitSaved(p)
    // Let lazily opened documents (meetings of the actions view) arrive.
    await p.page.waitForLoadState("networkidle").catch(() => undefined)
    await check(tab, p.page)
  }
}

type AxeResult = { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }

describe("the workspace for everyone", () => {
  test("no serious or critical accessibility violations on the account pages and in any section", async () => {
    const problems: string[] = []
    /** Runs axe on the page as it is and collects what is serious. */
    const check = async (section: string, page: Page) => {
      await page.addScriptTag({ content: axeSource })
      const violations = (await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: unknown[] }> } }).axe
        return (await axe.run(document, { resultTypes: ["violations"] })).violations
      })) as AxeResult[]
      console.log(`${section}: ${violations.length} axe findings (${violations.map((v) => `${v.id}:${v.impact}`).join(", ") || "none"})`)
      for (const v of violations) {
        if (v.impact === "serious" || v.impact === "critical") {
          problems.push(`${section}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`)
        }
      }
    }
    // The setup page, then (in a browser nobody signed in to) the sign-in
    // page and an invitation.
    await owner.page.goto(mitra.setupLink.replace(/^http:\/\/[^/]+/, owner.link.origin))
    await owner.page.locator("[data-testid=setup-page]").waitFor()
    await check("setup", owner.page)
    await completeSetup(owner, mitra, "Kemitraan Sukamaju")
    const guest = await person(browser, mitra, "Eka Putri", "Puskesmas Sukamaju", { bypassCSP: true })
    try {
      await guest.page.goto(partnershipUrl(guest, mitra))
      await guest.page.locator("[data-testid=signin-page]").waitFor({ timeout: 15_000 })
      await check("sign-in", guest.page)
      await guest.page.goto(
        (await invite(owner, mitra, "viewer")).replace(/^http:\/\/[^/]+/, guest.link.origin),
      )
      await guest.page.locator("[data-testid=invite-page]").waitFor()
      await check("invitation", guest.page)
    } finally {
      await guest.context.close()
      await guest.link.close()
    }
    await eachSection(owner, check)
    expect(problems).toEqual([])
  })

  test("on a phone-sized screen nothing scrolls sideways", async () => {
    const p = await editor("Budi Santoso", "Yayasan Udara Bersih", {
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    })
    const overflowing: string[] = []
    try {
      await eachSection(p, async (section, page) => {
        const width = await page.evaluate(() => document.documentElement.scrollWidth)
        if (width > 375) overflowing.push(`${section}: ${width}px wide`)
        if (section === "goals") await screenshot(page, "phone-goals")
      })
    } finally {
      await p.context.close()
      await p.link.close()
    }
    expect(overflowing).toEqual([])
  })

  test("the interface switches to Bahasa Indonesia and remembers it", async () => {
    const p = await editor("Carla Wijaya", "SMA Negeri 1")
    try {
      await p.page.goto(partnershipUrl(p, mitra, "goals"))
      await p.page.locator("[data-testid=tab-goals]").waitFor()
      expect(await p.page.locator("[data-testid=tab-goals]").innerText()).toBe("Goals")
      await p.page.selectOption("[data-testid=language]", "id")
      await expect.poll(() => p.page.locator("[data-testid=tab-goals]").innerText()).toBe("Tujuan")
      expect(await p.page.getAttribute("html", "lang")).toBe("id")
      await p.page.reload()
      await expect.poll(() => p.page.locator("[data-testid=tab-meetings]").innerText()).toBe("Rapat")
    } finally {
      await p.context.close()
      await p.link.close()
    }
  })
})
