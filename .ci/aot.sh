# Sourced by .ci/run. tests/Http.Client.Package.Tests/AotPublishTests publishes a consumer of the package with
# PublishAot: the native link step needs clang and zlib (Debian: clang, zlib1g-dev). This hook installs them when they
# are missing, and puts the ILCompiler and linux-x64 runtime packs into the machine's NuGet cache once (the test reads
# that cache as a read-only fallback, so CI does not download about 100 MB on every run).

AOT_APT_TIMEOUT=${AOT_APT_TIMEOUT:-600}         # seconds for apt-get update + install
AOT_RESTORE_TIMEOUT=${AOT_RESTORE_TIMEOUT:-300} # seconds for the one-time package warm-up

aot_have_toolchain() {
  command -v clang >/dev/null 2>&1 && [ -f /usr/include/zlib.h ]
}

aot_install() {
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "aot: clang/zlib1g-dev missing and no root or password-less sudo; install them with: apt-get install -y clang zlib1g-dev" >&2
      return 1
    fi
  fi
  echo "aot: installing clang and zlib1g-dev"
  local log status=0
  log=$(mktemp)
  timeout "$AOT_APT_TIMEOUT" bash -c "$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends clang zlib1g-dev" >"$log" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    echo "aot: apt-get failed (exit $status); last lines:" >&2
    tail -n 20 "$log" >&2
  fi
  rm -f "$log"
  return "$status"
}

aot_warm_packages() {
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}" dir status=0
  if [ -d "$cache/runtime.linux-x64.microsoft.dotnet.ilcompiler" ] && [ -d "$cache/microsoft.netcore.app.runtime.linux-x64" ]; then
    return 0
  fi
  dir=$(mktemp -d)
  cat >"$dir/warm.csproj" <<'XML'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RuntimeIdentifier>linux-x64</RuntimeIdentifier>
    <PublishAot>true</PublishAot>
  </PropertyGroup>
</Project>
XML
  echo "aot: restoring the ILCompiler packages into $cache (once)"
  timeout "$AOT_RESTORE_TIMEOUT" dotnet restore "$dir/warm.csproj" -nodeReuse:false >/dev/null 2>&1 || status=$?
  rm -rf "$dir"
  [ "$status" = 0 ] || echo "aot: warm-up restore failed (exit $status); the AOT test will download the packages itself" >&2
  return 0
}

aot_prepare() {
  # A failed install does not stop the build: the other tests still run, and the AOT test fails naming the cause.
  aot_have_toolchain || aot_install || echo "aot: continuing without clang; the AOT publish test will fail" >&2
  aot_warm_packages
  return 0
}
