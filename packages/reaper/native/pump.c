/*
 * Zero-copy log pump for @tsupervisord/logs (issue 20): moves a child's output from a pipe to its log file with
 * splice(2) on a thread of its own, so the bytes never enter user space and the JS thread only does accounting.
 *
 *   pumpPipe() -> [readFd, writeFd]            pipe2(O_CLOEXEC), 1 MiB where the kernel allows; the write end is
 *                                              handed to spawn() as the child's fd 1 (and 2), then closed by JS
 *   pumpStart(readFd, fd, room, callback) -> h a thread splices readFd -> fd (taken over); `room` bytes before it
 *                                              asks for a new file (-1: never; the file does not rotate by size)
 *   pumpSetFile(h, fd, room)                   continue on this file (a dup is taken; -1 discards and counts)
 *   pumpStop(h)                                the grace period ran out: move what the pipe holds now, then end
 *
 * callback({ written, stale, dropped, full, error, done }) on Node's thread, at most one report queued at a time
 * (counters accumulate in between), so memory never grows with output:
 *   written  bytes that reached the current file since the last report
 *   stale    bytes that reached a file JS has already switched away from (rotation raced with a splice)
 *   dropped  bytes discarded (no file, or the file failed: ENOSPC, EIO, ...)
 *   full     `room` is used up and the pipe has data: rotate, then pumpSetFile (the thread waits; the child
 *            blocks once the pipe is full — backpressure, never buffering)
 *   error    errno of the first failure of a streak (0: none), so a full disk is reported once
 *   done     the pipe reached EOF (every writer closed it) or the stop drained it; the last report
 *
 * splice(2) refuses a target opened O_APPEND (EINVAL): the pump clears O_APPEND on its dup and seeks to the end
 * (the JS writer shares that open file description but does not write while a pump owns the channel). A target
 * that takes no splice at all (some character devices) gets a read/write copy on the same thread.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <node_api.h>

#define PUMP_CHUNK (1 << 20)
#define PUMP_PIPE_SIZE (1 << 20)
#define COPY_BUFFER 65536
#define THREAD_STACK (256 * 1024)

typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int read_fd;
  int stop_fd;
  int devnull;
  napi_threadsafe_function tsfn;
  int refs; /* the JS handle and the thread (tsfn finalizer); freed at 0, both on Node's thread */
  /* Under lock. */
  int has_pending;
  int pending_fd;
  long long pending_room;
  int stopping;
  uint64_t written;
  uint64_t stale;
  uint64_t dropped;
  int error;
  int full;
  int done;
  int wake_posted;
} pump_t;

static void pump_unref(pump_t* p) {
  if (--p->refs > 0) return;
  pthread_mutex_destroy(&p->lock);
  pthread_cond_destroy(&p->cond);
  free(p);
}

/* Queue one report unless one is queued already (the counters it reads accumulate). Call with the lock held. */
static void post_locked(pump_t* p) {
  if (p->wake_posted) return;
  p->wake_posted = 1;
  if (napi_call_threadsafe_function(p->tsfn, NULL, napi_tsfn_nonblocking) != napi_ok) p->wake_posted = 0;
}

static void count(pump_t* p, uint64_t* counter, uint64_t n) {
  pthread_mutex_lock(&p->lock);
  *counter += n;
  post_locked(p);
  pthread_mutex_unlock(&p->lock);
}

/* Bytes that reached the file: the current file's, or a replaced one's if JS switched meanwhile. */
static void count_written(pump_t* p, uint64_t n) {
  pthread_mutex_lock(&p->lock);
  if (p->has_pending) p->stale += n;
  else p->written += n;
  post_locked(p);
  pthread_mutex_unlock(&p->lock);
}

static void report_error(pump_t* p, int err) {
  pthread_mutex_lock(&p->lock);
  p->error = err;
  post_locked(p);
  pthread_mutex_unlock(&p->lock);
}

/* Discard up to len bytes of the pipe; returns what was discarded (0: nothing there now). */
static size_t discard(pump_t* p, size_t len) {
  for (;;) {
    ssize_t n = splice(p->read_fd, NULL, p->devnull, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 0;
    count(p, &p->dropped, (uint64_t)n);
    return (size_t)n;
  }
}

/* Waits until the pipe is readable (or hung up) or a stop arrives (pumpStop also sets p->stopping). */
static void wait_readable(pump_t* p) {
  struct pollfd fds[2] = {{p->read_fd, POLLIN, 0}, {p->stop_fd, POLLIN, 0}};
  for (;;) {
    int rc = poll(fds, 2, -1);
    if (rc < 0 && errno == EINTR) continue;
    if (rc > 0 && (fds[1].revents & POLLIN)) {
      uint64_t v;
      ssize_t ignored = read(p->stop_fd, &v, sizeof v);
      (void)ignored;
    }
    return;
  }
}

static size_t pipe_bytes(int fd) {
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 && n > 0 ? (size_t)n : 0;
}

static void* pump_main(void* arg) {
  pump_t* p = (pump_t*)arg;
  int fd = -1;
  long long room = -1;
  int copy_mode = 0;
  int failing = 0;
  int draining = 0;
  size_t drain_left = 0;
  char* buf = NULL;

  for (;;) {
    /* Pick up a new file; notice a stop (then move only what the pipe holds at this moment). */
    pthread_mutex_lock(&p->lock);
    if (p->has_pending) {
      if (fd >= 0) close(fd);
      fd = p->pending_fd;
      room = p->pending_room;
      p->has_pending = 0;
      p->full = 0;
      copy_mode = 0;
      failing = 0;
    }
    if (p->stopping && !draining) {
      draining = 1;
      drain_left = pipe_bytes(p->read_fd);
    }
    pthread_mutex_unlock(&p->lock);
    if (draining && drain_left == 0) break;

    if (room == 0) {
      /* Ask for a rotation only once there is output for the new file (a reopened full file stays as is). */
      if (!draining && pipe_bytes(p->read_fd) == 0) {
        struct pollfd fds[2] = {{p->read_fd, POLLIN, 0}, {p->stop_fd, POLLIN, 0}};
        int rc = poll(fds, 2, -1);
        if (rc > 0 && (fds[1].revents & POLLIN)) {
          uint64_t v;
          ssize_t ignored = read(p->stop_fd, &v, sizeof v);
          (void)ignored;
          continue;
        }
        if (rc > 0 && !(fds[0].revents & POLLIN) && (fds[0].revents & POLLHUP)) break; /* EOF, nothing left */
        if (rc <= 0) continue;
      }
      pthread_mutex_lock(&p->lock);
      if (!p->has_pending) {
        p->full = 1;
        post_locked(p);
        while (!p->has_pending) pthread_cond_wait(&p->cond, &p->lock);
      }
      pthread_mutex_unlock(&p->lock);
      continue;
    }

    size_t len = room < 0 || room > PUMP_CHUNK ? PUMP_CHUNK : (size_t)room;
    if (draining && len > drain_left) len = drain_left;
    ssize_t n;
    int err = 0;
    if (fd < 0) {
      /* No file (it could not be opened): the bytes are dropped and counted, as the JS writer does. */
      n = splice(p->read_fd, NULL, p->devnull, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      err = n < 0 ? errno : 0;
      if (n > 0) {
        count(p, &p->dropped, (uint64_t)n);
        if (draining) drain_left = drain_left > (size_t)n ? drain_left - (size_t)n : 0;
        continue;
      }
    } else if (!copy_mode) {
      n = splice(p->read_fd, NULL, fd, NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
      err = n < 0 ? errno : 0;
      if (n < 0 && err == EINVAL) {
        copy_mode = 1; /* this target takes no splice (some devices): copy through a buffer */
        continue;
      }
    } else {
      if (buf == NULL) buf = (char*)malloc(COPY_BUFFER);
      if (buf == NULL) {
        n = -1;
        err = ENOMEM;
      } else {
        n = read(p->read_fd, buf, len > COPY_BUFFER ? COPY_BUFFER : len);
        err = n < 0 ? errno : 0;
      }
      if (n > 0) {
        ssize_t off = 0;
        while (off < n) {
          ssize_t w = write(fd, buf + off, (size_t)(n - off));
          if (w < 0 && errno == EINTR) continue;
          if (w <= 0) {
            if (!failing) {
              failing = 1;
              report_error(p, w < 0 ? errno : EIO);
            }
            count(p, &p->dropped, (uint64_t)(n - off));
            break;
          }
          off += w;
        }
        if (off > 0) {
          if (off == n) failing = 0;
          count_written(p, (uint64_t)off);
          if (room > 0) room -= off;
        }
        if (draining) drain_left = drain_left > (size_t)n ? drain_left - (size_t)n : 0;
        continue;
      }
    }

    if (n > 0) {
      failing = 0;
      count_written(p, (uint64_t)n);
      if (room > 0) room -= n;
      if (draining) drain_left = drain_left > (size_t)n ? drain_left - (size_t)n : 0;
      continue;
    }
    if (n == 0) break; /* EOF: every writer closed the pipe */
    if (err == EINTR) continue;
    if (err == EAGAIN) {
      if (draining) break;
      wait_readable(p);
      continue;
    }
    /* The file failed (ENOSPC, EIO, EFBIG, ...): report the first of a streak, drop what this splice would have
       moved so the child never blocks on a dead disk, try the file again with the next bytes. */
    if (!failing) {
      failing = 1;
      report_error(p, err);
    }
    size_t d = discard(p, len);
    if (draining) drain_left = drain_left > d ? drain_left - d : 0;
    if (d == 0 && !draining) wait_readable(p);
  }

  free(buf);
  pthread_mutex_lock(&p->lock);
  p->done = 1; /* from here on pumpStop/pumpSetFile touch nothing */
  if (p->has_pending && p->pending_fd >= 0) close(p->pending_fd);
  p->has_pending = 0;
  pthread_mutex_unlock(&p->lock);
  if (fd >= 0) close(fd);
  close(p->read_fd);
  close(p->stop_fd);
  close(p->devnull);
  pthread_mutex_lock(&p->lock);
  post_locked(p);
  pthread_mutex_unlock(&p->lock);
  napi_release_threadsafe_function(p->tsfn, napi_tsfn_release);
  return NULL;
}

static napi_value throw_errno_msg(napi_env env, const char* what, int err) {
  char message[200];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, message);
  return NULL;
}

static int set_number(napi_env env, napi_value obj, const char* key, double value) {
  napi_value v;
  return napi_create_double(env, value, &v) == napi_ok && napi_set_named_property(env, obj, key, v) == napi_ok;
}

static int set_bool(napi_env env, napi_value obj, const char* key, int value) {
  napi_value v;
  return napi_get_boolean(env, value != 0, &v) == napi_ok && napi_set_named_property(env, obj, key, v) == napi_ok;
}

static void call_js(napi_env env, napi_value callback, void* context, void* data) {
  (void)data;
  pump_t* p = (pump_t*)context;
  if (env == NULL || callback == NULL) return;
  pthread_mutex_lock(&p->lock);
  uint64_t written = p->written, stale = p->stale, dropped = p->dropped;
  int error = p->error, full = p->full, done = p->done;
  p->written = p->stale = p->dropped = 0;
  p->error = 0;
  p->wake_posted = 0;
  pthread_mutex_unlock(&p->lock);
  napi_value report, undef, result;
  if (napi_create_object(env, &report) != napi_ok || napi_get_undefined(env, &undef) != napi_ok) return;
  if (!set_number(env, report, "written", (double)written) || !set_number(env, report, "stale", (double)stale) ||
      !set_number(env, report, "dropped", (double)dropped) || !set_bool(env, report, "full", full) ||
      !set_number(env, report, "error", error) || !set_bool(env, report, "done", done))
    return;
  if (napi_call_function(env, undef, callback, 1, &report, &result) != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
  }
}

static void tsfn_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  pump_unref((pump_t*)data);
}

static void handle_finalize(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  pump_unref((pump_t*)data);
}

/* A private dup of the target, positioned at its end, without O_APPEND (which splice refuses). -1 stays -1. */
static int take_target(int fd, int* err) {
  *err = 0;
  if (fd < 0) return -1;
  int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    *err = errno;
    return -1;
  }
  struct stat st;
  if (fstat(own, &st) == 0 && S_ISREG(st.st_mode)) {
    int flags = fcntl(own, F_GETFL);
    if (flags >= 0 && (flags & O_APPEND)) fcntl(own, F_SETFL, flags & ~O_APPEND);
    lseek(own, 0, SEEK_END);
  }
  return own;
}

static int get_room(napi_env env, napi_value v, long long* room) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) return 0;
  *room = d < 0 ? -1 : (long long)d;
  return 1;
}

static napi_value pump_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return throw_errno_msg(env, "pipe2", errno);
  /* Fewer wake-ups per GiB; without the privilege or over the per-user limit the pipe keeps 64 KiB. */
  fcntl(fds[0], F_SETPIPE_SZ, PUMP_PIPE_SIZE);
  int flags = fcntl(fds[0], F_GETFL);
  if (flags >= 0) fcntl(fds[0], F_SETFL, flags | O_NONBLOCK);
  napi_value arr, r, w;
  if (napi_create_array_with_length(env, 2, &arr) != napi_ok || napi_create_int32(env, fds[0], &r) != napi_ok ||
      napi_create_int32(env, fds[1], &w) != napi_ok || napi_set_element(env, arr, 0, r) != napi_ok ||
      napi_set_element(env, arr, 1, w) != napi_ok) {
    close(fds[0]);
    close(fds[1]);
    return NULL;
  }
  return arr;
}

static napi_value pump_start(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  int32_t read_fd, fd;
  long long room;
  napi_valuetype t;
  if (argc < 4 || napi_get_value_int32(env, argv[0], &read_fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &fd) != napi_ok || !get_room(env, argv[2], &room) ||
      napi_typeof(env, argv[3], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, "pumpStart(readFd, fd, room, callback)");
    return NULL;
  }
  pump_t* p = (pump_t*)calloc(1, sizeof *p);
  if (p == NULL) return throw_errno_msg(env, "calloc", ENOMEM);
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->cond, NULL);
  p->refs = 2;
  p->read_fd = read_fd;
  int err = 0;
  int target = take_target(fd, &err);
  p->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  p->devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (err != 0 || p->stop_fd < 0 || p->devnull < 0) {
    int e = err != 0 ? err : errno;
    if (target >= 0) close(target);
    if (p->stop_fd >= 0) close(p->stop_fd);
    if (p->devnull >= 0) close(p->devnull);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p);
    return throw_errno_msg(env, "pumpStart", e);
  }
  p->has_pending = 1;
  p->pending_fd = target;
  p->pending_room = room;

  napi_value name, handle;
  if (napi_create_string_utf8(env, "tsupervisord:pump", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[3], NULL, name, 0, 1, p, tsfn_finalize, p, call_js, &p->tsfn) != napi_ok) {
    if (target >= 0) close(target);
    close(p->stop_fd);
    close(p->devnull);
    free(p);
    napi_throw_error(env, NULL, "pumpStart: threadsafe function setup failed");
    return NULL;
  }
  pthread_attr_t attr;
  pthread_t thread;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, THREAD_STACK);
  int rc = pthread_create(&thread, &attr, pump_main, p);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    if (target >= 0) close(target);
    close(p->stop_fd);
    close(p->devnull);
    p->refs = 1; /* the tsfn finalizer frees it */
    napi_release_threadsafe_function(p->tsfn, napi_tsfn_abort);
    return throw_errno_msg(env, "pthread_create", rc);
  }
  if (napi_create_external(env, p, handle_finalize, NULL, &handle) != napi_ok) return NULL;
  return handle;
}

static pump_t* get_pump(napi_env env, napi_value v) {
  pump_t* p = NULL;
  if (napi_get_value_external(env, v, (void**)&p) != napi_ok) return NULL;
  return p;
}

static napi_value pump_set_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], undef;
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  pump_t* p = argc < 3 ? NULL : get_pump(env, argv[0]);
  int32_t fd;
  long long room;
  if (p == NULL || napi_get_value_int32(env, argv[1], &fd) != napi_ok || !get_room(env, argv[2], &room)) {
    napi_throw_type_error(env, NULL, "pumpSetFile(handle, fd, room)");
    return NULL;
  }
  int err = 0;
  int target = take_target(fd, &err);
  pthread_mutex_lock(&p->lock);
  if (p->done) {
    pthread_mutex_unlock(&p->lock);
    if (target >= 0) close(target);
    return undef;
  }
  if (p->has_pending && p->pending_fd >= 0) close(p->pending_fd);
  /* What was written but not yet reported went to the file being replaced. */
  p->stale += p->written;
  p->written = 0;
  p->has_pending = 1;
  p->pending_fd = target;
  p->pending_room = room;
  if (err != 0) {
    p->error = err;
    post_locked(p);
  }
  pthread_cond_signal(&p->cond);
  pthread_mutex_unlock(&p->lock);
  return undef;
}

static napi_value pump_stop(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], undef;
  napi_get_undefined(env, &undef);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  pump_t* p = argc < 1 ? NULL : get_pump(env, argv[0]);
  if (p == NULL) return undef;
  pthread_mutex_lock(&p->lock);
  if (!p->done) {
    p->stopping = 1;
    uint64_t one = 1;
    ssize_t ignored = write(p->stop_fd, &one, sizeof one);
    (void)ignored;
  }
  pthread_mutex_unlock(&p->lock);
  return undef;
}

napi_value pump_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"pumpPipe", NULL, pump_pipe, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpStart", NULL, pump_start, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpSetFile", NULL, pump_set_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"pumpStop", NULL, pump_stop, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}
