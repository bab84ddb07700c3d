/*
 * Prints the message strings that the C libraries of this Debian host give for
 * their error codes, one per line: KIND<TAB>NUMBER<TAB>NAME-OR-EMPTY<TAB>TEXT.
 * scripts/gen-errors.mjs --refresh-native compiles and runs it once and commits
 * the output as native-strings.txt; normal runs of the generator only read that.
 *   gnutls  gnutls_strerror()/gnutls_strerror_name()   (libgnutls30, GnuTLS 3.7)
 *   eai     gai_strerror()                              (glibc 2.36)
 *   errno   strerror()/strerrorname_np()                (glibc 2.36, Linux x86_64)
 *   x509    X509_verify_cert_error_string()             (libssl3, OpenSSL 3.0),
 *           the text `openssl verify` and s_client print
 * Build: gcc -O0 -o native-strings native-strings.c -lgnutls -lcrypto
 */
#define _GNU_SOURCE
#include <gnutls/gnutls.h>
#include <netdb.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  /* GnuTLS error codes are negative; the lowest defined in 3.7 is about -420. */
  for (int n = 0; n >= -1000; n--) {
    const char *name = gnutls_strerror_name(n);
    if (name == NULL) continue;
    printf("gnutls\t%d\t%s\t%s\n", n, name, gnutls_strerror(n));
  }
  /* glibc's EAI_* values are -1 … -12 and -100 … -105 (<netdb.h>). */
  for (int n = -1; n >= -200; n--) {
    const char *s = gai_strerror(n);
    if (strcmp(s, "Unknown error") == 0) continue;
    printf("eai\t%d\t\t%s\n", n, s);
  }
  for (int n = 0; n < 200; n++) {
    const char *name = strerrorname_np(n);
    if (name == NULL) continue;
    printf("errno\t%d\t%s\t%s\n", n, name, strerror(n));
  }
  for (int n = 0; n < 200; n++) {
    const char *s = X509_verify_cert_error_string(n);
    if (strcmp(s, "unknown certificate verification error") == 0) continue;
    printf("x509\t%d\t\t%s\n", n, s);
  }
  return 0;
}
