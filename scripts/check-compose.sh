#!/usr/bin/env bash
# Checks the deployment files without a Docker engine, the same way locally
# and in CI:
#
# 1. docker-compose.yml, alone, with the https profile, with the postgres
#    profile and with both, and with .env.example as shipped and with each
#    choice in it taken, through Debian's `docker-compose config` (package
#    docker-compose), plus what each must say: loopback-only publishing by
#    default, Caddy on 80/443 in front, Mitra on SQLite (MITRA_STORAGE
#    empty) unless the postgres profile runs a postgres:15 service (named
#    volume, pg_isready healthcheck, never published) that MITRA_STORAGE
#    from .env points at, no always-on service depending on a profile's
#    service (which Compose v2 rejects), and a compose network with a fixed
#    private subnet (MITRA_SUBNET) that is exactly what Mitra trusts as its
#    proxies (MITRA_TRUSTED_PROXIES), so that Caddy's X-Forwarded-For names
#    the client; and deploy/Caddyfile not changing how Caddy sets that
#    header.
# 2. The Dockerfile: every RUN is a script CI also runs (and
#    scripts/test-all.sh does run it), or the runtime stage's user setup; the
#    runtime stage runs as a non-root user with a HEALTHCHECK on /healthz;
#    and that HEALTHCHECK command itself, run against the real binary
#    ($MITRA_BIN, default target/debug/mitra): healthy while it serves,
#    unhealthy once it stopped.
# 3. deploy/Caddyfile with `caddy validate` and `caddy fmt`, and
#    deploy/prometheus.yml with its alert rules with `promtool check config`
#    (Debian's caddy and prometheus packages, downloaded and unpacked under
#    target/ops-tools; nothing is installed or started).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

step() { printf '\n--> %s\n' "$*"; }
fail() {
  printf 'check-compose: %s\n' "$*" >&2
  exit 1
}

command -v docker-compose >/dev/null \
  || fail "docker-compose is missing (Debian: apt-get install docker-compose)"
command -v python3 >/dev/null || fail "python3 is missing"

scratch=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

# `docker-compose config` in a clean environment: nothing from the caller's
# shell or a developer's own .env leaks into the result. Arguments of the form
# NAME=VALUE before the compose arguments are the environment.
compose() {
  local vars=()
  while [ $# -gt 0 ] && [[ $1 == *=* ]]; do
    vars+=("$1")
    shift
  done
  : >"$scratch/empty.env"
  env -i PATH="$PATH" HOME="$scratch" "${vars[@]}" \
    docker-compose --project-directory "$root" --env-file "$scratch/empty.env" "$@"
}

# ---------------------------------------------------------------------------
step "docker-compose config: default, https profile, postgres profile, both, .env.example's choices"

# The PostgreSQL settings a postgres choice puts in .env (the password the
# way .env.example takes it: written once, referred to by MITRA_STORAGE).
pg_password=check0password
pg_storage=postgres://mitra:$pg_password@postgres:5432/mitra

compose -f docker-compose.yml config >"$scratch/default.yml"
compose MITRA_SUBNET=10.99.7.0/24 -f docker-compose.yml config >"$scratch/subnet.yml"
compose MITRA_DOMAIN=mitra.example.org -f docker-compose.yml --profile https config \
  >"$scratch/https.yml"
compose POSTGRES_PASSWORD=$pg_password MITRA_STORAGE=$pg_storage \
  -f docker-compose.yml --profile postgres config >"$scratch/postgres.yml"
compose POSTGRES_PASSWORD=$pg_password MITRA_STORAGE=$pg_storage MITRA_DOMAIN=mitra.example.org \
  -f docker-compose.yml --profile https --profile postgres config >"$scratch/postgres-https.yml"

# .env.example as shipped (the default), and with each choice in it taken:
# the lines it says to uncomment, uncommented, and the password filled in.
example_env() {
  local name=$1 profiles=$2
  shift 2
  local edits=(-e "s/^#COMPOSE_PROFILES=.*/COMPOSE_PROFILES=$profiles/")
  local line
  for line in "$@"; do
    edits+=(-e "s|^#$line|$line|")
  done
  sed "${edits[@]}" .env.example >"$scratch/$name.env"
  for line in "COMPOSE_PROFILES=$profiles" "$@"; do
    grep -qxF -- "$line" "$scratch/$name.env" \
      || fail ".env.example has no line #$line (the $name choice); update this script with it"
  done
}
cp .env.example "$scratch/example.env"
example_env example-https https "MITRA_DOMAIN=mitra.example.org"
# POSTGRES_PASSWORD is empty in the file: the person filling it in picks one.
example_env example-postgres postgres "POSTGRES_PASSWORD=" \
  "MITRA_STORAGE=postgres://mitra:\${POSTGRES_PASSWORD}@postgres:5432/mitra"
example_env example-both https,postgres "MITRA_DOMAIN=mitra.example.org" "POSTGRES_PASSWORD=" \
  "MITRA_STORAGE=postgres://mitra:\${POSTGRES_PASSWORD}@postgres:5432/mitra"
grep -qxF "#COMPOSE_PROFILES=https,postgres" .env.example \
  || fail ".env.example must show COMPOSE_PROFILES=https,postgres (commented out)"
# The profiles Compose reads from each file (docker-compose's own reading of
# it, through a probe file; `config` itself lists every service, enabled by
# a profile or not).
cat >"$scratch/probe.yml" <<'YML'
services:
  probe:
    image: probe
    environment:
      COMPOSE_PROFILES: ${COMPOSE_PROFILES:-}
YML
for name in example example-https example-postgres example-both; do
  sed -i "s/^POSTGRES_PASSWORD=\$/POSTGRES_PASSWORD=$pg_password/" "$scratch/$name.env"
  env -i PATH="$PATH" HOME="$scratch" \
    docker-compose --project-directory "$root" --env-file "$scratch/$name.env" config \
    >"$scratch/$name.yml"
  env -i PATH="$PATH" HOME="$scratch" \
    docker-compose --project-directory "$root" --env-file "$scratch/$name.env" \
    -f "$scratch/probe.yml" config >"$scratch/$name.probe.yml"
done

python3 - "$scratch" "$pg_password" <<'PY'
import ipaddress
import sys
import urllib.parse
import yaml

scratch, pg_password = sys.argv[1], sys.argv[2]
problems = []


def load(name):
    with open(f"{scratch}/{name}.yml") as f:
        return yaml.safe_load(f)


def check(ok, what):
    if not ok:
        problems.append(what)


def published(service):
    """(host_ip, host_port, container_port) of every published port."""
    out = []
    for port in service.get("ports", []):
        if isinstance(port, dict):
            out.append((port.get("host_ip", "0.0.0.0"), str(port.get("published")), str(port.get("target"))))
        else:
            parts = str(port).split("/")[0].split(":")
            if len(parts) == 3:
                out.append((parts[0], parts[1], parts[2]))
            elif len(parts) == 2:
                out.append(("0.0.0.0", parts[0], parts[1]))
            else:
                out.append(("0.0.0.0", "", parts[0]))
    return out


def depends(service):
    d = service.get("depends_on", {})
    return d if isinstance(d, dict) else {name: {} for name in d}


def env(service):
    e = service.get("environment", {})
    if isinstance(e, list):
        e = dict(item.split("=", 1) if "=" in item else (item, None) for item in e)
    return {k: ("" if v is None else str(v)) for k, v in e.items()}


def volumes(service):
    out = []
    for v in service.get("volumes", []):
        if isinstance(v, dict):
            out.append((str(v.get("source")), str(v.get("target")), bool(v.get("read_only"))))
        else:
            parts = str(v).split(":")
            out.append((parts[0], parts[1], len(parts) > 2 and "ro" in parts[2].split(",")))
    return out


def healthcheck(service):
    test = service.get("healthcheck", {}).get("test", [])
    return " ".join(test) if isinstance(test, list) else str(test)


def probed_profiles(name):
    value = env(load(f"{name}.probe")["services"]["probe"]).get("COMPOSE_PROFILES", "")
    return {p for p in value.split(",") if p}


# Each variant: its file and the profiles it runs with (those given with
# --profile, or those Compose read from the env file).
variants = {
    "default": set(),
    "subnet": set(),
    "https": {"https"},
    "postgres": {"postgres"},
    "postgres-https": {"https", "postgres"},
    "example": probed_profiles("example"),
    "example-https": probed_profiles("example-https"),
    "example-postgres": probed_profiles("example-postgres"),
    "example-both": probed_profiles("example-both"),
}
check(variants["example"] == set(), f".env.example as shipped enables profiles: {variants['example']}")
check(variants["example-https"] == {"https"}, f"the https choice: {variants['example-https']}")
check(variants["example-postgres"] == {"postgres"}, f"the postgres choice: {variants['example-postgres']}")
check(variants["example-both"] == {"https", "postgres"}, f"both choices: {variants['example-both']}")

with_https = ["https", "postgres-https", "example-https", "example-both"]
with_postgres = ["postgres", "postgres-https", "example-postgres", "example-both"]
pg_storage = f"postgres://mitra:{pg_password}@postgres:5432/mitra"

for name, profiles in variants.items():
    config = load(name)
    services = config["services"]
    # What `up` starts: the services without a profile and those of an
    # enabled profile (docker-compose 1.29's `config` lists them all).
    active = {s for s, svc in services.items() if not svc.get("profiles") or profiles & set(svc["profiles"])}
    # Compose v2 refuses an always-on service that depends on a profile's.
    for sname, service in services.items():
        if not service.get("profiles"):
            for dep in depends(service):
                check(dep in services and not services[dep].get("profiles"),
                      f"{name}: {sname} (no profile) depends on {dep}, which has a profile")
    # Only Caddy faces the network; everything else is loopback or unpublished.
    for sname, service in services.items():
        for host_ip, host_port, target in published(service):
            if sname != "caddy":
                check(host_ip == "127.0.0.1", f"{name}: {sname} publishes {host_port}->{target} on {host_ip}")
    check(services["caddy"].get("profiles") == ["https"], f"{name}: caddy belongs to the https profile")
    check(services["postgres"].get("profiles") == ["postgres"], f"{name}: postgres belongs to the postgres profile")
    check(("caddy" in active) == (name in with_https), f"{name}: caddy runs only with the https profile")
    check(("postgres" in active) == (name in with_postgres),
          f"{name}: postgres runs only with the postgres profile ({sorted(active)})")
    mitra = services["mitra"]
    check(not mitra.get("profiles"), f"{name}: mitra must run without a profile")
    check("MITRA_STORAGE" in env(mitra), f"{name}: mitra's MITRA_STORAGE comes from the environment")
    storage = env(mitra).get("MITRA_STORAGE")
    if name in with_postgres:
        check(storage == pg_storage, f"{name}: mitra must use PostgreSQL: {storage!r}")
        pg = services["postgres"]
        check(pg.get("image") == "postgres:15", f"{name}: postgres:15")
        check("pg_isready" in healthcheck(pg), f"{name}: postgres needs a pg_isready healthcheck")
        check(not pg.get("ports"), f"{name}: postgres must not be published")
        check(any(s == "postgres-data" and t == "/var/lib/postgresql/data" for s, t, _ in volumes(pg)),
              f"{name}: postgres needs the named volume postgres-data: {volumes(pg)}")
        check("postgres-data" in (config.get("volumes") or {}), f"{name}: the volume postgres-data is declared")
        pg_env = env(pg)
        check(pg_env.get("POSTGRES_PASSWORD") == pg_password, f"{name}: postgres password from .env")
        # Mitra's URL names the database the postgres service creates.
        url = urllib.parse.urlsplit(storage or "")
        check(url.hostname == "postgres" and url.port == 5432, f"{name}: MITRA_STORAGE must reach postgres:5432")
        check(url.username == pg_env.get("POSTGRES_USER") and url.path == "/" + pg_env.get("POSTGRES_DB", ""),
              f"{name}: MITRA_STORAGE's user and database must be POSTGRES_USER and POSTGRES_DB")
        check(url.password == pg_env.get("POSTGRES_PASSWORD"),
              f"{name}: MITRA_STORAGE's password must be POSTGRES_PASSWORD")
    else:
        check(storage == "", f"{name}: without the postgres profile mitra uses SQLite: {storage!r}")
    if name in with_https:
        check(env(services["caddy"]).get("MITRA_DOMAIN") == "mitra.example.org", f"{name}: caddy must get MITRA_DOMAIN")
    # Mitra trusts exactly the compose network (Caddy, the published
    # loopback port's gateway): a fixed, private subnet.
    ipam = ((config.get("networks") or {}).get("default") or {}).get("ipam") or {}
    subnets = [c.get("subnet") for c in ipam.get("config") or [] if c.get("subnet")]
    check(len(subnets) == 1, f"{name}: the default network needs one fixed subnet: {ipam}")
    expected_subnet = "10.99.7.0/24" if name == "subnet" else "10.231.57.0/24"
    if subnets:
        check(subnets[0] == expected_subnet, f"{name}: the subnet must be MITRA_SUBNET or 10.231.57.0/24: {subnets[0]}")
        try:
            check(ipaddress.ip_network(subnets[0]).is_private, f"{name}: the subnet {subnets[0]} must be private")
        except ValueError as e:
            check(False, f"{name}: the subnet is not a network: {e}")
        check(env(mitra).get("MITRA_TRUSTED_PROXIES") == subnets[0],
              f"{name}: mitra must trust the compose network as its proxies: {env(mitra).get('MITRA_TRUSTED_PROXIES')!r}")
    for sname, service in services.items():
        check(not service.get("networks") or set(service["networks"]) == {"default"},
              f"{name}: {sname} must be on the default network only")
        check(service.get("network_mode") is None, f"{name}: {sname} must not change its network mode")

default = load("default")["services"]
mitra = default["mitra"]
check(("127.0.0.1", "8080", "8080") in published(mitra), f"mitra must publish 127.0.0.1:8080: {published(mitra)}")
check(env(mitra).get("MITRA_LISTEN") == "0.0.0.0:8080", "mitra must listen on 0.0.0.0:8080 in its container")
check(("mitra-data", "/data", False) in volumes(mitra), f"mitra's data must be the named volume mitra-data: {volumes(mitra)}")

caddy = load("https")["services"]["caddy"]
ports = {(p, t) for _, p, t in published(caddy)}
check({("80", "80"), ("443", "443")} <= ports, f"caddy must publish 80 and 443: {ports}")
check("mitra" in depends(caddy), "caddy starts after mitra")
vols = volumes(caddy)
check(any(s.endswith("/deploy/Caddyfile") and t == "/etc/caddy/Caddyfile" and ro for s, t, ro in vols),
      f"caddy must mount deploy/Caddyfile read-only: {vols}")
check(any(s == "caddy-data" and t == "/data" for s, t, _ in vols), "caddy's certificates need a volume")

# Caddy sets X-Forwarded-For itself (the client's address, replacing what the
# client sent, unless Caddy's own trusted_proxies says otherwise), which is
# what Mitra reads; the Caddyfile must leave that alone.
caddyfile = open("deploy/Caddyfile").read()
code = "\n".join(line.split("#", 1)[0] for line in caddyfile.splitlines())
check("reverse_proxy mitra:8080" in code, "deploy/Caddyfile must proxy to mitra:8080")
check("trusted_proxies" not in code,
      "deploy/Caddyfile must not set Caddy's trusted_proxies (clients could then choose their X-Forwarded-For)")
check("X-Forwarded-For" not in code, "deploy/Caddyfile must leave X-Forwarded-For as Caddy sets it")

if problems:
    print("docker-compose.yml does not say what it must:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("compose file: ok (default, MITRA_SUBNET, --profile https, --profile postgres, both, and .env.example's choices)")
PY

# ---------------------------------------------------------------------------
step "Dockerfile: only scripts CI runs, a non-root user, a health check"

python3 - <<'PY'
import os
import re
import sys

text = open("Dockerfile").read().replace("\\\n", " ")
stages, problems = [], []
for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    word, _, rest = line.partition(" ")
    word = word.upper()
    if word == "FROM":
        stages.append({"from": rest.split()[0], "run": [], "lines": []})
    elif stages:
        stages[-1]["lines"].append((word, " ".join(rest.split())))
        if word == "RUN":
            stages[-1]["run"].append(" ".join(rest.split()))

# Build stages run exactly the scripts CI runs; the runtime stage only sets up
# its user (and, if ever needed, Debian packages).
BUILD_SCRIPTS = {"./scripts/build-web.sh", "./scripts/build-server.sh"}
RUNTIME_COMMANDS = {"apt-get", "useradd", "groupadd", "mkdir", "chown", "chmod", "rm"}
test_all = open("scripts/test-all.sh").read()
for stage in stages[:-1]:
    for run in stage["run"]:
        if run not in BUILD_SCRIPTS:
            problems.append(f"{stage['from']}: RUN {run!r} is not one of {sorted(BUILD_SCRIPTS)}")
        elif not os.access(run, os.X_OK):
            problems.append(f"{run} is not an executable script")
        elif run[2:] not in test_all:
            problems.append(f"scripts/test-all.sh does not run {run[2:]}, which the Dockerfile runs")
runtime = stages[-1]
for run in runtime["run"]:
    for command in run.split("&&"):
        first = command.split()[0] if command.split() else ""
        if first not in RUNTIME_COMMANDS:
            problems.append(f"runtime stage: {first!r} in RUN {run!r} is not user or package setup")

directives = runtime["lines"]
def has(word, pattern):
    return any(w == word and re.search(pattern, rest) for w, rest in directives)

if runtime["from"] != "debian:bookworm-slim":
    problems.append(f"the runtime stage must be debian:bookworm-slim, not {runtime['from']}")
users = [rest for w, rest in directives if w == "USER"]
if not users or users[-1] in ("root", "0"):
    problems.append("the runtime stage must run as a non-root USER")
for word, pattern, what in [
    ("HEALTHCHECK", r"/healthz", "a HEALTHCHECK on /healthz"),
    ("ENV", r"MITRA_LISTEN=0\.0\.0\.0:8080", "MITRA_LISTEN=0.0.0.0:8080"),
    ("ENV", r"MITRA_DATA_DIR=/data", "MITRA_DATA_DIR=/data"),
    ("VOLUME", r"^/data$", "VOLUME /data"),
    ("COPY", r"/web/dist /usr/local/share/mitra/web$", "the web client in /usr/local/share/mitra/web"),
    ("COPY", r"/release/mitra /usr/local/bin/mitra$", "the binary in /usr/local/bin/mitra"),
]:
    if not has(word, pattern):
        problems.append(f"the runtime stage lacks {what}")

if problems:
    print("Dockerfile:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print("Dockerfile: ok")
PY

step "The Dockerfile's HEALTHCHECK command against the real binary"

mitra_bin=${MITRA_BIN:-target/debug/mitra}
[ -x "$mitra_bin" ] || fail "no mitra binary at $mitra_bin (cargo build -p mitra, or set MITRA_BIN)"
healthcheck=$(python3 - <<'PY'
import json
import re
text = open("Dockerfile").read().replace("\\\n", " ")
m = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text, re.M)
cmd = json.loads(m.group(1))
assert cmd[:2] == ["bash", "-c"], cmd
print(cmd[2])
PY
)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MITRA_LISTEN=127.0.0.1:$port MITRA_LOG=warn "$mitra_bin" serve --data-dir "$scratch/data" --no-demo \
  >"$scratch/mitra.log" 2>&1 &
server_pid=$!
healthy=
for _ in $(seq 1 100); do
  if MITRA_LISTEN=0.0.0.0:$port bash -c "$healthcheck" 2>/dev/null; then
    healthy=yes
    break
  fi
  sleep 0.1
done
[ -n "$healthy" ] || fail "the HEALTHCHECK never passed against a serving mitra: $(cat "$scratch/mitra.log")"
kill "$server_pid"
wait "$server_pid" || fail "mitra did not stop cleanly on SIGTERM: $(cat "$scratch/mitra.log")"
server_pid=
if MITRA_LISTEN=0.0.0.0:$port bash -c "$healthcheck" 2>/dev/null; then
  fail "the HEALTHCHECK passes with no server listening"
fi
echo "HEALTHCHECK: healthy while serving, unhealthy once stopped"

# ---------------------------------------------------------------------------
# Debian's package of a tool, unpacked under target/ops-tools (cached).
tool() {
  local package=$1 binary=$2 dir=$root/target/ops-tools/$1
  if [ ! -x "$dir/usr/bin/$binary" ]; then
    mkdir -p "$dir"
    (cd "$dir" && {
      apt-get download "$package" >/dev/null 2>&1 \
        || { apt-get update -qq >/dev/null && apt-get download "$package" >/dev/null; }
    } && dpkg-deb -x "$package"_*.deb . && rm -f "$package"_*.deb) \
      || fail "could not download and unpack Debian's $package package"
  fi
  [ -x "$dir/usr/bin/$binary" ] || fail "Debian's $package package has no $binary"
  echo "$dir/usr/bin/$binary"
}

step "deploy/Caddyfile: caddy validate and caddy fmt"
caddy=$(tool caddy caddy)
env -i PATH="$PATH" HOME="$scratch" XDG_DATA_HOME="$scratch/caddy-data" \
  XDG_CONFIG_HOME="$scratch/caddy-config" MITRA_DOMAIN=mitra.example.org \
  "$caddy" validate --config deploy/Caddyfile --adapter caddyfile >"$scratch/caddy.log" 2>&1 \
  || fail "deploy/Caddyfile is not valid: $(cat "$scratch/caddy.log")"
"$caddy" fmt deploy/Caddyfile | diff -u deploy/Caddyfile - \
  || fail "deploy/Caddyfile is not formatted as caddy fmt would"
echo "Caddyfile: ok"

step "deploy/prometheus.yml and deploy/alerts.yml: promtool check config"
promtool=$(tool prometheus promtool)
"$promtool" check config deploy/prometheus.yml

echo
echo "check-compose: all deployment files are valid"
