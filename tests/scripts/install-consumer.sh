#!/bin/sh
# Installs the build into a scratch prefix and builds two consumers against the installed copy:
# a CMake project using find_package(telnet-rs), and a plain cc command using pkg-config.
set -eu
build=$1
consumer=$2
cmake=${3:-cmake}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$cmake" --install "$build" --prefix "$work/prefix" >/dev/null

"$cmake" -S "$consumer" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
"$cmake" --build "$work/build" >/dev/null
"$work/build/consumer-shared"
"$work/build/consumer-static"

libdir=$(dirname "$(find "$work/prefix" -name telnet-rs.pc)")
export PKG_CONFIG_PATH="$libdir"
cc -std=c99 -Wall -Wextra -Werror -pedantic "$consumer/consumer.c" -o "$work/pc-shared" \
   $(pkg-config --cflags --libs telnet-rs)
LD_LIBRARY_PATH="$(pkg-config --variable=libdir telnet-rs)" "$work/pc-shared"
cc -std=c99 -Wall -Wextra -Werror -pedantic "$consumer/consumer.c" -o "$work/pc-static" \
   $(pkg-config --cflags telnet-rs) "$(pkg-config --variable=libdir telnet-rs)/libtelnet-rs.a" \
   $(pkg-config --static --libs-only-l telnet-rs | sed 's/-ltelnet-rs//')
"$work/pc-static"
echo "installed copy works with find_package and pkg-config, shared and static"
