// Every section of the workspace, checked in real Chromium: no serious
// accessibility violations (axe-core), no sideways scrolling on a phone,
// and the interface in Bahasa Indonesia.
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import type { Browser, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, test } from "vitest"

import { launchBrowser, Mitra, partnershipUrl, person, screenshot, waitSaved, type Person } from "./harness"

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8")

let mitra: Mitra
let browser: Browser

beforeAll(async () => {
  mitra = await Mitra.start()
  browser = await launchBrowser()
})

afterAll(async () => {
  await browser?.close()
  await mitra?.destroy()
})

/** Opens each section in turn (the first meeting for "meeting") and calls `check` on it. */
async function eachSection(p: Person, check: (section: string, page: Page) => Promise<void>): Promise<void> {
  for (const tab of ["charter", "goals", "meetings", "meeting", "actions"]) {
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
  test("no serious or critical accessibility violations in any section", async () => {
    const p = await person(browser, mitra, "Ayu Lestari", "Dinas Lingkungan Hidup", "#0b57d0", { bypassCSP: true })
    const problems: string[] = []
    try {
      await eachSection(p, async (section, page) => {
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
      })
    } finally {
      await p.context.close()
      await p.link.close()
    }
    expect(problems).toEqual([])
  })

  test("on a phone-sized screen nothing scrolls sideways", async () => {
    const p = await person(browser, mitra, "Budi Santoso", "Yayasan Udara Bersih", "#b3261e", {
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
    const p = await person(browser, mitra, "Carla Wijaya", "SMA Negeri 1", "#146c2e")
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
