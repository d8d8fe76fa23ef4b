#!/bin/sh
# Print a Python interpreter that every local account can run, for the hub's environment.
# The hub starts each learner's server as that learner, so the interpreter behind the hub's
# virtual environment must be readable by all accounts. If the Python that made .venv lives in a
# private folder (pyenv under /root, for example), copy that same interpreter (same version as
# requirements.lock was resolved with; its standard library without site-packages and tests) to
# OUT and point its library path at the copy. Usage: hub-python.sh BASE_PYTHON OUT
set -eu
base_python=$1
out=$2
prefix=$("$base_python" -c 'import sys; print(sys.base_prefix)')
ver=$("$base_python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
exe="$prefix/bin/python$ver"
if [ "$(id -u)" != 0 ] || runuser -u nobody -- "$exe" -c 'pass' >/dev/null 2>&1; then
  echo "$exe"; exit 0
fi
if [ ! -x "$out/bin/python$ver" ]; then
  command -v patchelf >/dev/null || { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >&2; }
  rm -rf "$out.part" && mkdir -p "$out.part/bin" "$out.part/lib"
  cp -a "$exe" "$out.part/bin/"
  cp -a "$prefix"/lib/libpython"$ver"*.so* "$out.part/lib/" 2>/dev/null || true
  (cd "$prefix/lib" && tar cf - --exclude="python$ver/site-packages/*" --exclude="python$ver/test" \
     --exclude='__pycache__' "python$ver") | tar xf - -C "$out.part/lib"
  mkdir -p "$out.part/lib/python$ver/site-packages"
  patchelf --set-rpath '$ORIGIN/../lib' "$out.part/bin/python$ver"
  ln -s "python$ver" "$out.part/bin/python3"
  chmod -R a+rX "$out.part"
  mv "$out.part" "$out"
fi
runuser -u nobody -- "$out/bin/python$ver" -c 'import ssl, sqlite3, ctypes' >&2
echo "$out/bin/python$ver"
