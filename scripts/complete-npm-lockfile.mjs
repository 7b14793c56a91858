#!/usr/bin/env node
// Adds to a package-lock.json the optional, platform-specific packages that
// npm 11 leaves out when it installs on this machine (e.g. rollup's and
// cbor-extract's binaries for other systems), without which `npm ci`
// refuses the lockfile as out of sync. Each entry gets the version the
// parent asks for and the os/cpu/libc the registry gives it, so npm skips
// it on other platforms, as it would have written it itself.
//
// Usage (after `npm install` changed a lockfile):
//   node scripts/complete-npm-lockfile.mjs web
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"

const dir = process.argv[2] ?? "."
const lockPath = join(dir, "package-lock.json")
const lock = JSON.parse(readFileSync(lockPath, "utf8"))
const packages = lock.packages

const OSES = ["darwin", "linux", "win32", "freebsd", "openbsd", "android", "openharmony", "sunos", "aix"]
const CPUS = ["arm64", "x64", "ia32", "arm", "loong64", "ppc64", "riscv64", "s390x"]

/** What the registry says of a package, or (when it has no copy) what its name says. */
function describe(name, range) {
  try {
    const out = execFileSync("npm", ["view", `${name}@${range}`, "version", "os", "cpu", "libc", "license", "--json"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    })
    const value = JSON.parse(out)
    return Array.isArray(value) ? value[value.length - 1] : value
  } catch {
    const parts = name.split("/").pop().split("-")
    const os = OSES.find((o) => parts.includes(o))
    const cpu = CPUS.find((c) => parts.includes(c)) ?? (parts.includes("arm") ? "arm" : undefined)
    const libc = parts.includes("musl") ? "musl" : parts.includes("gnu") && os === "linux" ? "glibc" : undefined
    return { version: range.replace(/^[\^~=]/, ""), os, cpu, libc }
  }
}

let added = 0
for (const [path, entry] of Object.entries(packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    // Where npm would put it: next to the parent, else hoisted to the top.
    const nested = `${path ? `${path}/` : ""}node_modules/${name}`
    const top = `node_modules/${name}`
    if (packages[nested] || packages[top]) continue
    const meta = describe(name, range)
    const record = { version: meta.version }
    for (const key of ["cpu", "os", "libc"]) {
      if (meta[key]) record[key] = Array.isArray(meta[key]) ? meta[key] : [meta[key]]
    }
    if (meta.license) record.license = meta.license
    record.optional = true
    packages[top] = record
    added += 1
    console.log(`added ${top}@${meta.version}`)
  }
}
lock.packages = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))))
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`)
console.log(`${added} optional platform packages added to ${lockPath}`)
