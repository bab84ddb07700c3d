#!/usr/bin/env bash
# Builds the small ELF fixtures the ELF reader (src/elf/parse) is tested on,
# one directory per architecture under src/elf/parse/fixtures/<arch>/:
#
#   libfix.so.1     shared library: soname, FIX_1.0/FIX_2.0 verdefs (2.0 inherits
#                   1.0), fix_call@FIX_1.0 (hidden) + fix_call@@FIX_2.0, a weak,
#                   a protected, a data object, a TLS variable, an IFUNC, a libc
#                   reference (DT_NEEDED libc.so.6, verneed GLIBC_*), .gnu.hash
#                   and .hash, a build-id
#   fixprog         PIE, DT_RUNPATH $ORIGIN, relro + now, stack protector,
#                   _FORTIFY_SOURCE=2 (a *_chk reference), CET (x86) / BTI+PAC (aarch64)
#   fixprog-rpath   non-PIE, DT_RPATH $ORIGIN, no relro, executable stack,
#                   no hardening
#   libfix-noshdr.so.1 (x86_64 only) libfix.so.1 with the section header
#                   table cut off and e_shoff/e_shnum/e_shstrndx zeroed
#
# All are stripped with the cross strip --strip-unneeded (section headers
# kept). The executables only have to link, not run.
#
# Needs (Debian 12; the x86_64 build uses the native gcc as x86_64-linux-gnu-gcc):
#   apt-get install -y --no-install-recommends gcc libc6-dev \
#     gcc-i686-linux-gnu libc6-dev-i386-cross \
#     gcc-aarch64-linux-gnu libc6-dev-arm64-cross \
#     gcc-arm-linux-gnueabihf libc6-dev-armhf-cross \
#     gcc-powerpc64-linux-gnu libc6-dev-ppc64-cross \
#     gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross \
#     gcc-s390x-linux-gnu libc6-dev-s390x-cross \
#     gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
# (each gcc-<triplet> depends on binutils-<triplet>, which has the strip and
# readelf used here; the libc6-dev-*-cross are only Recommends, so name them).
# Output is reproducible: the same toolchain gives byte-identical files.
# Then record readelf's view:  node scripts/readelf-expected.mjs
#
# Usage: scripts/make-elf-fixtures.sh [arch ...]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=src/elf/parse/fixtures
ALL_ARCHES=(x86_64 i386 aarch64 armhf ppc64 ppc64le s390x riscv64)

triplet() {
  case "$1" in
    x86_64) echo x86_64-linux-gnu ;;
    i386) echo i686-linux-gnu ;;
    aarch64) echo aarch64-linux-gnu ;;
    armhf) echo arm-linux-gnueabihf ;;
    ppc64) echo powerpc64-linux-gnu ;;
    ppc64le) echo powerpc64le-linux-gnu ;;
    s390x) echo s390x-linux-gnu ;;
    riscv64) echo riscv64-linux-gnu ;;
    *)
      echo "make-elf-fixtures: unknown arch $1" >&2
      exit 2
      ;;
  esac
}

# Extra flags for the hardened executable, per arch.
hardening() {
  case "$1" in
    x86_64 | i386) echo "-fcf-protection=full" ;;
    aarch64) echo "-mbranch-protection=standard" ;;
    *) echo "" ;;
  esac
}

# Link flags for every output. aarch64 and ppc64(le) default to 64 KiB pages
# and ld (2.39+) pads the RELRO segment to the maximum page size, which makes
# each file ~66 KB of zeros; 4 KiB pages keep them a few KB (p_align is then
# 0x1000 there instead of the distribution default 0x10000).
linkflags() {
  case "$1" in
    aarch64 | ppc64 | ppc64le) echo "-Wl,-z,max-page-size=0x1000" ;;
    *) echo "" ;;
  esac
}

# The same for the link. Debian 12's crt1.o/crti.o/crtn.o and libc_nonshared.a
# carry no IBT/SHSTK or BTI property notes, and ld ANDs those bits over every
# input, so compiling fixprog.o with the flags above alone leaves the output
# without them; these options make ld set them anyway (ld warns on aarch64
# that the crt files lack BTI). PAC is not a thing ld can force.
hardening_ld() {
  case "$1" in
    x86_64 | i386) echo "-fcf-protection=full -Wl,-z,ibt,-z,shstk" ;;
    aarch64) echo "-mbranch-protection=standard -Wl,-z,force-bti" ;;
    *) echo "" ;;
  esac
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat >"$WORK/fix.c" <<'EOF'
#include <stdio.h>

/* TLS variable */
__thread int fix_tls = 7;

/* data object */
int fix_data[4] = { 1, 2, 3, 4 };

/* weak symbol */
__attribute__((weak)) int fix_weak(int x) { return x * 3; }

/* protected visibility */
__attribute__((visibility("protected"))) int fix_protected(int x) { return x - 1; }

/* one function, two versions: fix_call@FIX_1.0 (hidden) and fix_call@@FIX_2.0 */
int fix_call_v1(int x) { return x + 1; }
int fix_call_v2(int x) { return x + 2 + fix_tls; }
__asm__(".symver fix_call_v1,fix_call@FIX_1.0");
__asm__(".symver fix_call_v2,fix_call@@FIX_2.0");

#ifdef FIX_IFUNC
/* IFUNC */
static int fix_fast_impl(int x) { return x << 1; }
static int (*fix_fast_resolver(void))(int) { return fix_fast_impl; }
int fix_fast(int x) __attribute__((ifunc("fix_fast_resolver")));
#endif

/* an undefined libc reference: DT_NEEDED libc.so.6, verneed GLIBC_* */
int fix_say(const char *s) { return puts(s) + fix_protected(fix_data[0]); }
EOF

cat >"$WORK/fix.map" <<'EOF'
FIX_1.0 {
  global:
    fix_call;
    fix_tls;
    fix_data;
    fix_weak;
    fix_protected;
    fix_fast;
    fix_say;
  local:
    *;
};
FIX_2.0 {
  global:
    fix_call;
} FIX_1.0;
EOF

cat >"$WORK/fixprog.c" <<'EOF'
#include <stdio.h>
#include <string.h>

extern int fix_call(int);
extern int fix_say(const char *);
extern int fix_data[4];
extern __thread int fix_tls;

int main(int argc, char **argv) {
  char buf[16];
  strcpy(buf, argv[0]); /* __strcpy_chk under _FORTIFY_SOURCE, a canary either way */
  printf("%s %d %d\n", buf, fix_call(argc) + fix_data[1], fix_tls);
  return fix_say(buf);
}
EOF

build_arch() {
  local arch=$1 t cc strip dir ifunc=""
  t=$(triplet "$arch")
  cc=$t-gcc
  strip=$t-strip
  dir=$OUT/$arch
  command -v "$cc" >/dev/null || {
    echo "make-elf-fixtures: $cc not found (apt-get install gcc-$t)" >&2
    exit 1
  }
  # Every gcc here supports the ifunc attribute; probe anyway so a toolchain
  # without it still builds the rest.
  if echo 'static int f(void){return 0;} static void *r(void){return f;} int g(void) __attribute__((ifunc("r")));' |
    "$cc" -x c -c -o /dev/null - 2>/dev/null; then
    ifunc=-DFIX_IFUNC
  fi
  mkdir -p "$dir" "$WORK/$arch"
  (
    cd "$WORK/$arch"
    "$cc" -O2 -fPIC $ifunc -c ../fix.c -o fix.o
    # shellcheck disable=SC2046
    "$cc" -shared -o libfix.so.1 fix.o \
      -Wl,-soname,libfix.so.1 -Wl,--version-script=../fix.map \
      -Wl,--hash-style=both -Wl,--build-id=sha1 $(linkflags "$arch")
    ln -sf libfix.so.1 libfix.so

    # shellcheck disable=SC2046
    "$cc" -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE $(hardening "$arch") \
      -c ../fixprog.c -o fixprog.o
    # shellcheck disable=SC2046,SC2016
    "$cc" -pie -o fixprog fixprog.o -L. -lfix \
      -Wl,--enable-new-dtags -Wl,-rpath,'$ORIGIN' -Wl,-z,relro,-z,now \
      -Wl,--hash-style=both -Wl,--build-id=sha1 $(hardening_ld "$arch") $(linkflags "$arch")

    "$cc" -O2 -U_FORTIFY_SOURCE -fno-stack-protector -fno-PIE -fcf-protection=none -c ../fixprog.c -o fixprog-rpath.o 2>/dev/null ||
      "$cc" -O2 -U_FORTIFY_SOURCE -fno-stack-protector -fno-PIE -c ../fixprog.c -o fixprog-rpath.o
    # shellcheck disable=SC2046,SC2016
    "$cc" -no-pie -o fixprog-rpath fixprog-rpath.o -L. -lfix \
      -Wl,--disable-new-dtags -Wl,-rpath,'$ORIGIN' -Wl,-z,norelro -Wl,-z,execstack \
      -Wl,--hash-style=both -Wl,--build-id=sha1 $(linkflags "$arch")
  )
  for f in libfix.so.1 fixprog fixprog-rpath; do
    "$strip" --strip-unneeded -o "$dir/$f" "$WORK/$arch/$f"
    chmod 0644 "$dir/$f"
  done

  if [[ $arch == x86_64 ]]; then
    # No section headers: cut the table off (it is the last thing in the
    # file after strip) and zero e_shoff (8 bytes at 40), e_shnum (2 at 60)
    # and e_shstrndx (2 at 62). .dynsym must then be found through
    # PT_DYNAMIC and the hash tables.
    local ns=$dir/libfix-noshdr.so.1 shoff
    cp "$dir/libfix.so.1" "$ns"
    shoff=$(od -An -t u8 -j 40 -N 8 "$ns" | tr -d ' ')
    truncate -s "$shoff" "$ns"
    dd if=/dev/zero of="$ns" bs=1 seek=40 count=8 conv=notrunc status=none
    dd if=/dev/zero of="$ns" bs=1 seek=60 count=4 conv=notrunc status=none
  fi
  echo "$arch: $(cd "$dir" && du -b libfix.so.1 fixprog fixprog-rpath libfix-noshdr.so.1 2>/dev/null | tr '\t\n' '= ')"
}

if (($#)); then arches=("$@"); else arches=("${ALL_ARCHES[@]}"); fi
for a in "${arches[@]}"; do build_arch "$a"; done
