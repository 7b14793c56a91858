import { afterEach, describe, expect, test } from "vitest"

import { chooseLocale, defaultToPartnershipLanguage, defineMessages, format, locale, savedLocale } from "./index"

describe("messages", () => {
  afterEach(() => {
    localStorage.clear()
    locale.value = "en"
  })

  const t = defineMessages({
    en: { hello: "Hello {name}", count: "{n} here" },
    id: { hello: "Halo {name}", count: "{n} hadir" },
  })

  test("follow the chosen language and substitute parameters", () => {
    expect(t("hello", { name: "Ayu" })).toBe("Hello Ayu")
    chooseLocale("id")
    expect(t("hello", { name: "Ayu" })).toBe("Halo Ayu")
    expect(t("count", { n: 3 })).toBe("3 hadir")
    expect(savedLocale()).toBe("id")
  })

  test("unknown parameters are left visible rather than dropped", () => {
    expect(format("{a} and {b}", { a: 1 })).toBe("1 and {b}")
  })

  test("the partnership's language is the default until the person chooses", () => {
    defaultToPartnershipLanguage("id")
    expect(locale.value).toBe("id")
    defaultToPartnershipLanguage("fr")
    expect(locale.value).toBe("id")
    chooseLocale("en")
    defaultToPartnershipLanguage("id")
    expect(locale.value).toBe("en")
  })
})
