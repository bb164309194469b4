#!/bin/sh
# Fails when the shared library exports a symbol that does not start with tn_.
set -eu
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '{print $3}')
count=$(printf '%s\n' "$syms" | grep -c '^tn_' || true)
other=$(printf '%s\n' "$syms" | grep -v '^tn_' | grep -v '^$' || true)
if [ -n "$other" ]; then
  echo "exported symbols outside the tn_ namespace:" >&2
  printf '%s\n' "$other" >&2
  exit 1
fi
if [ "$count" -lt 10 ]; then
  echo "only $count tn_ symbols exported from $lib" >&2
  exit 1
fi
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
case "$soname" in
  libtelnet-rs.so.[0-9]*) ;;
  *) echo "unexpected SONAME '$soname'" >&2; exit 1 ;;
esac
echo "$count tn_ symbols, nothing else; SONAME $soname"
