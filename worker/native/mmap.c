/*
 * facecast_mmap: read-only shared file mappings for Node (which has no mmap of its own).
 *
 *   mapFile(path)       -> ArrayBuffer over mmap(PROT_READ, MAP_SHARED) of the whole file;
 *                          the buffer's finalizer munmaps. The pages are the page cache's, so
 *                          every process mapping the file shares one copy in RAM.
 *   evictFile(path)     -> posix_fadvise(POSIX_FADV_DONTNEED): the kernel drops the file's
 *                          cached pages that no process maps.
 *   residentBytes(path) -> bytes of the file now in the page cache (mmap + mincore).
 *
 * The mapping is PROT_READ: writing into the buffer kills the process with SIGSEGV, so JS
 * must treat it as read-only (worker/native/mmap.ts says so). Context-aware
 * (NAPI_MODULE_INIT), so worker threads can load it too. Built at setup by
 * scripts/lib/native-addon.mjs; docs/decisions/005-memory-mapped-frame-stores.md says why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_MAX_BYTES 4096

typedef struct {
  void *address;
  size_t length;
} Mapping;

/* Throws a JS Error "<what> <path>: <strerror(errno)>" with code = errno name-less number. */
static napi_value throw_errno(napi_env env, const char *what, const char *path, int err) {
  char message[PATH_MAX_BYTES + 256];
  snprintf(message, sizeof message, "%s %s: %s", what, path, strerror(err));
  char code[32];
  snprintf(code, sizeof code, "ERRNO_%d", err);
  napi_throw_error(env, code, message);
  return NULL;
}

/* Reads argument 0 as a UTF-8 path into `out`; throws and returns 0 when it is not a string. */
static int path_argument(napi_env env, napi_callback_info info, char *out, size_t size) {
  size_t argc = 1;
  napi_value argv[1];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return 0;
  napi_valuetype type = napi_undefined;
  if (argc < 1 || napi_typeof(env, argv[0], &type) != napi_ok || type != napi_string) {
    napi_throw_type_error(env, NULL, "path must be a string");
    return 0;
  }
  size_t length = 0;
  if (napi_get_value_string_utf8(env, argv[0], out, size, &length) != napi_ok) return 0;
  if (length + 1 >= size) {
    napi_throw_range_error(env, NULL, "path is too long");
    return 0;
  }
  return 1;
}

static void unmap(napi_env env, void *data, void *hint) {
  (void)env;
  (void)data;
  Mapping *mapping = hint;
  munmap(mapping->address, mapping->length);
  free(mapping);
}

/* Opens `path` read-only and stats it; on failure throws (naming the path) and returns -1. */
static int open_with_stat(napi_env env, const char *path, struct stat *st) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw_errno(env, "cannot open", path, errno);
    return -1;
  }
  if (fstat(fd, st) != 0) {
    int err = errno;
    close(fd);
    throw_errno(env, "cannot stat", path, err);
    return -1;
  }
  return fd;
}

/*
 * Maps `length` bytes of `fd` read-only and shared, then closes `fd` (the mapping keeps the
 * file referenced); on failure throws (naming the path) and returns NULL.
 */
static void *map_and_close(napi_env env, const char *path, int fd, size_t length) {
  void *address = mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0);
  int err = errno;
  close(fd);
  if (address == MAP_FAILED) {
    throw_errno(env, "cannot map", path, err);
    return NULL;
  }
  return address;
}

static napi_value map_file(napi_env env, napi_callback_info info) {
  char path[PATH_MAX_BYTES];
  if (!path_argument(env, info, path, sizeof path)) return NULL;
  struct stat st;
  int fd = open_with_stat(env, path, &st);
  if (fd < 0) return NULL;
  if (st.st_size == 0) {
    close(fd);
    napi_throw_error(env, NULL, "cannot map an empty file");
    return NULL;
  }
  size_t length = (size_t)st.st_size;
  void *address = map_and_close(env, path, fd, length);
  if (address == NULL) return NULL;
  Mapping *mapping = malloc(sizeof *mapping);
  if (mapping == NULL) {
    munmap(address, length);
    napi_throw_error(env, NULL, "out of memory");
    return NULL;
  }
  mapping->address = address;
  mapping->length = length;
  napi_value buffer;
  napi_status status =
      napi_create_external_arraybuffer(env, address, length, unmap, mapping, &buffer);
  if (status != napi_ok) {
    munmap(address, length);
    free(mapping);
    napi_throw_error(env, NULL, "cannot wrap the mapping in an ArrayBuffer");
    return NULL;
  }
  return buffer;
}

static napi_value evict_file(napi_env env, napi_callback_info info) {
  char path[PATH_MAX_BYTES];
  if (!path_argument(env, info, path, sizeof path)) return NULL;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, "cannot open", path, errno);
  /* posix_fadvise returns the error number instead of setting errno. */
  int err = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  close(fd);
  if (err != 0) return throw_errno(env, "cannot evict", path, err);
  napi_value undefined;
  napi_get_undefined(env, &undefined);
  return undefined;
}

static napi_value resident_bytes(napi_env env, napi_callback_info info) {
  char path[PATH_MAX_BYTES];
  if (!path_argument(env, info, path, sizeof path)) return NULL;
  struct stat st;
  int fd = open_with_stat(env, path, &st);
  if (fd < 0) return NULL;
  double resident = 0;
  if (st.st_size > 0) {
    size_t length = (size_t)st.st_size;
    void *address = map_and_close(env, path, fd, length);
    if (address == NULL) return NULL;
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (length + (size_t)page - 1) / (size_t)page;
    unsigned char *vector = malloc(pages);
    if (vector == NULL) {
      munmap(address, length);
      napi_throw_error(env, NULL, "out of memory");
      return NULL;
    }
    if (mincore(address, length, vector) != 0) {
      int err = errno;
      free(vector);
      munmap(address, length);
      return throw_errno(env, "cannot query residency of", path, err);
    }
    size_t count = 0;
    for (size_t i = 0; i < pages; i++) count += vector[i] & 1;
    free(vector);
    munmap(address, length);
    resident = (double)count * (double)page;
    /* The last page counts only up to the end of the file. */
    if (resident > (double)length) resident = (double)length;
  } else {
    close(fd);
  }
  napi_value result;
  napi_create_double(env, resident, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor properties[] = {
      {"mapFile", NULL, map_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"evictFile", NULL, evict_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"residentBytes", NULL, resident_bytes, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, 3, properties) != napi_ok) return NULL;
  return exports;
}
