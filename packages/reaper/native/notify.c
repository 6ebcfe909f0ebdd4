/*
 * sd_notify receiver for @tsupervisord/reaper (issue 14): Node cannot create a unix DATAGRAM socket, which is
 * what systemd's sd_notify() speaks. This binds one (mode 0600), watches it with libuv's uv_poll on Node's own
 * loop (no thread, no polling tick), and hands every datagram to a JS callback as a string.
 *
 *   notifyOpen(path, callback) -> handle   bind path (any old file there is replaced), start receiving
 *   notifyClose(handle)                    stop, close the fd (JS removes the file)
 *
 * Bounded: a datagram is read into a 4 KiB buffer (longer ones are truncated: sd_notify messages are a few
 * dozen bytes), and at most 64 datagrams are handled per wake-up so a flooding child cannot starve the loop.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <node_api.h>
#include "napi-errors.h"
#include <uv.h>

#define NOTIFY_BUFFER 4096
#define NOTIFY_BATCH 64

typedef struct {
  uv_poll_t poll;
  int fd;
  int closed;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
} receiver_t;

static void on_closed(uv_handle_t* handle) {
  receiver_t* r = (receiver_t*)handle->data;
  close(r->fd);
  napi_delete_reference(r->env, r->callback);
  napi_async_destroy(r->env, r->async);
  free(r);
}

static void on_readable(uv_poll_t* handle, int status, int events) {
  (void)events;
  receiver_t* r = (receiver_t*)handle->data;
  if (r->closed || status < 0) return;
  napi_env env = r->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value cb, self;
  if (napi_get_reference_value(env, r->callback, &cb) == napi_ok && napi_get_global(env, &self) == napi_ok) {
    char buf[NOTIFY_BUFFER];
    for (int i = 0; i < NOTIFY_BATCH && !r->closed; i++) {
      ssize_t n = recv(r->fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n < 0) {
        if (errno == EINTR) continue;
        break; /* EAGAIN: drained */
      }
      napi_value argv[1], result;
      if (napi_create_string_utf8(env, buf, (size_t)n, &argv[0]) != napi_ok) break;
      if (napi_make_callback(env, r->async, self, cb, 1, argv, &result) != napi_ok) {
        bool pending = false;
        napi_is_exception_pending(env, &pending);
        if (pending) {
          napi_value ignored;
          napi_get_and_clear_last_exception(env, &ignored);
        }
      }
    }
  }
  napi_close_handle_scope(env, scope);
}

static napi_value notify_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  char path[sizeof(((struct sockaddr_un*)0)->sun_path)];
  size_t len = 0;
  if (argc < 2 || napi_get_value_string_utf8(env, argv[0], path, sizeof path, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "notifyOpen(path, callback): path must be a string");
    return NULL;
  }
  if (len == 0 || len >= sizeof path - 1) {
    napi_throw_range_error(env, NULL, "notifyOpen: socket path is empty or too long for sockaddr_un");
    return NULL;
  }
  napi_valuetype t;
  if (napi_typeof(env, argv[1], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "notifyOpen(path, callback): callback must be a function");
    return NULL;
  }

  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return throw_errno(env, "socket(AF_UNIX, SOCK_DGRAM)", errno);
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  memcpy(addr.sun_path, path, len);
  unlink(path);
  /* Created 0600 from the start: the umask only removes bits, so 0177 leaves at most rw for the owner. */
  mode_t old = umask(0177);
  int rc = bind(fd, (struct sockaddr*)&addr, sizeof addr);
  int err = errno;
  umask(old);
  if (rc != 0) {
    close(fd);
    return throw_errno(env, "bind", err);
  }
  chmod(path, 0600);

  receiver_t* r = (receiver_t*)calloc(1, sizeof *r);
  if (r == NULL) {
    close(fd);
    unlink(path);
    return throw_errno(env, "calloc", ENOMEM);
  }
  r->fd = fd;
  r->env = env;
  uv_loop_t* loop = NULL;
  napi_value resource_name, resource;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || napi_create_reference(env, argv[1], 1, &r->callback) != napi_ok ||
      napi_create_string_utf8(env, "tsupervisord:notify", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_create_object(env, &resource) != napi_ok ||
      napi_async_init(env, resource, resource_name, &r->async) != napi_ok) {
    close(fd);
    unlink(path);
    free(r);
    napi_throw_error(env, NULL, "notifyOpen: N-API setup failed");
    return NULL;
  }
  r->poll.data = r;
  if (uv_poll_init(loop, &r->poll, fd) != 0 || uv_poll_start(&r->poll, UV_READABLE, on_readable) != 0) {
    napi_throw_error(env, NULL, "notifyOpen: uv_poll failed");
    r->closed = 1;
    uv_close((uv_handle_t*)&r->poll, on_closed);
    unlink(path);
    return NULL;
  }
  napi_value handle;
  if (napi_create_external(env, r, NULL, NULL, &handle) != napi_ok) return NULL;
  return handle;
}

static napi_value notify_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_value undef;
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) return undef;
  receiver_t* r = NULL;
  if (napi_get_value_external(env, argv[0], (void**)&r) != napi_ok || r == NULL || r->closed) return undef;
  r->closed = 1;
  uv_poll_stop(&r->poll);
  uv_close((uv_handle_t*)&r->poll, on_closed);
  return undef;
}

napi_value notify_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"notifyOpen", NULL, notify_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"notifyClose", NULL, notify_close, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
