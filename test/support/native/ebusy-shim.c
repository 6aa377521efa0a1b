// LD_PRELOAD shim for tests: opening the file in $EBUSY_PATH fails with EBUSY, as a capture device
// held by another program does. With $EBUSY_TIMES=N and $EBUSY_TALLY=<file>, only the first N opens
// (counted across processes in the tally file) fail: a device that frees up while we retry.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);

static int still_busy(void) {
  const char *times = getenv("EBUSY_TIMES");
  const char *tally = getenv("EBUSY_TALLY");
  if (!times || !tally) return 1;
  FILE *file = fopen(tally, "a+");
  if (!file) return 1;
  fseek(file, 0, SEEK_END);
  long count = ftell(file);
  fputc('x', file);
  fclose(file);
  return count < atol(times);
}

static int refuses(const char *path) {
  const char *busy = getenv("EBUSY_PATH");
  return busy && path && strcmp(path, busy) == 0 && still_busy();
}

static mode_t mode_of(int flags, va_list args) {
  return (flags & (O_CREAT | O_TMPFILE)) ? va_arg(args, mode_t) : 0;
}

#define WRAP_OPEN(name)                                              \
  int name(const char *path, int flags, ...) {                       \
    va_list args;                                                    \
    va_start(args, flags);                                           \
    mode_t mode = mode_of(flags, args);                              \
    va_end(args);                                                    \
    if (refuses(path)) { errno = EBUSY; return -1; }                 \
    static open_fn real;                                             \
    if (!real) real = (open_fn)dlsym(RTLD_NEXT, #name);              \
    return real(path, flags, mode);                                  \
  }

WRAP_OPEN(open)
WRAP_OPEN(open64)

int openat(int dir, const char *path, int flags, ...) {
  va_list args;
  va_start(args, flags);
  mode_t mode = mode_of(flags, args);
  va_end(args);
  if (refuses(path)) { errno = EBUSY; return -1; }
  static openat_fn real;
  if (!real) real = (openat_fn)dlsym(RTLD_NEXT, "openat");
  return real(dir, path, flags, mode);
}
