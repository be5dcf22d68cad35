# Sourced by .ci/run. The integration tests (tests/Http.Client.IntegrationTests) run against real
# nginx and tinyproxy servers. Their xunit fixture starts both as child processes (configurations
# from tests/Http.Client.IntegrationTests/config/, 127.0.0.1, free ports, a certificate generated at
# run time) and stops them by PID. This hook only makes sure the packages are installed, and, as a
# safety net, stops by PID any server a crashed test run left behind.

# Bounds for the one-time package installation on a fresh machine.
SERVICES_APT_TIMEOUT=${SERVICES_APT_TIMEOUT:-600}   # seconds for apt-get update + install
SERVICES_STOP_WAIT=${SERVICES_STOP_WAIT:-10}        # seconds a leftover server gets after SIGTERM

# The fixture writes "<name>-<pid>.pid" files here (see ServersFixture.PidDirectoryVariable).
export HTTP_CLIENT_SERVICES_PID_DIR="${HTTP_CLIENT_SERVICES_PID_DIR:-$PWD/.ci/out/service-pids}"

services_have() {
  # nginx lives in /usr/sbin, which is not on every user's PATH.
  PATH="$PATH:/usr/sbin:/usr/local/sbin:/sbin" command -v "$1" >/dev/null 2>&1
}

services_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "services: nginx/tinyproxy missing and no root or password-less sudo; install them with: apt-get install -y nginx tinyproxy" >&2
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "services: no apt-get here; install nginx and tinyproxy with the system's package manager" >&2
    return 1
  fi

  # Debian's packages start system services on install. Deny that with a policy-rc.d (only if none
  # exists, and removed afterwards): the tests run their own instances on their own ports.
  local policy=/usr/sbin/policy-rc.d created_policy=""
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && created_policy=1
  fi

  local log status=0
  log=$(mktemp)
  echo "services: installing nginx and tinyproxy (apt-get)..."
  $sudo env DEBIAN_FRONTEND=noninteractive timeout "$SERVICES_APT_TIMEOUT" sh -c \
    'apt-get update -qq && apt-get install -y -qq --no-install-recommends nginx tinyproxy' >"$log" 2>&1 || status=$?
  if [ -n "$created_policy" ]; then
    $sudo rm -f "$policy"
  fi
  if [ "$status" != 0 ]; then
    echo "services: apt-get failed (exit $status); last lines:" >&2
    tail -n 20 "$log" >&2
  fi
  rm -f "$log"
  return "$status"
}

services_start() {
  mkdir -p "$HTTP_CLIENT_SERVICES_PID_DIR"
  if services_have nginx && services_have tinyproxy; then
    return 0
  fi
  # A failed install does not stop the build: the other test assemblies still run, and every
  # integration test fails with a message naming the missing server.
  services_install || echo "services: continuing without nginx/tinyproxy; the integration tests will fail" >&2
  return 0
}

services_stop() {
  local dir="$HTTP_CLIENT_SERVICES_PID_DIR" file pid comm waited
  [ -d "$dir" ] || return 0
  for file in "$dir"/*.pid; do
    [ -e "$file" ] || continue
    pid=$(cat "$file" 2>/dev/null || true)
    rm -f "$file"
    case "$pid" in ''|*[!0-9]*) continue ;; esac
    # Only a server the fixture started: a recycled PID belonging to something else is left alone.
    comm=$(cat "/proc/$pid/comm" 2>/dev/null || true)
    case "$comm" in nginx|tinyproxy) ;; *) continue ;; esac
    echo "services: stopping leftover $comm (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || continue
    waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$SERVICES_STOP_WAIT" ]; do
      sleep 1
      waited=$((waited + 1))
    done
    kill -KILL "$pid" 2>/dev/null || true
  done
  return 0
}
