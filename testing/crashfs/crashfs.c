/*
 * crashfs: a FUSE pass-through file system that knows what was made durable, and on "power cut" forgets the rest.
 *
 * Model (strict POSIX, like LazyFS):
 *  - A file's data and size become durable on fsync/fdatasync of that file (any descriptor of the inode), or on a
 *    write through an O_SYNC/O_DSYNC descriptor.
 *  - A directory entry (create, mkdir, symlink, link, rename, unlink, rmdir) becomes durable only on fsync of the
 *    directory that holds it (FUSE delivers fsync(2) of an open(O_DIRECTORY) fd and of an opendir fd as FSYNCDIR).
 *  - Everything present at mount is durable. Metadata (mode, owner, times) is treated as durable at once.
 *
 * Writes go straight to the backing directory (the live state). Instead of copying dirty data to a shadow at each
 * fsync, the FS keeps an undo record: the first write since the last sync over a byte range that was durable saves
 * that range's old bytes; appends beyond the durable size cost nothing. On a crash every reachable file is restored
 * from its undo record and truncated to its durable size, optionally with a random prefix of its last unsynced
 * write re-applied (a torn write), and a new tree is built from the durable directory entries (hard links, no data
 * copy) and swapped in as the backing root. A file whose last live name is removed while a durable entry still
 * names it is kept as a hard link in the graveyard directory until the removal is durable.
 *
 * Control: a unix socket, one line per command, one JSON line per reply (see CrashFs.cs and README.md):
 *   ping | stats | delay <ms> | stall | release | fail <write|fsync> <errno> <count|all> | fail clear
 *   capacity <bytes> | freeze | crash <tear 0|1> <seed>
 *   stall-on file <substring> | stall-on dir <+|-|~|*><substring>   (one-shot: stall from the first matching fsync)
 * "freeze" is the cut instant: in-flight operations finish, later ones block (the power is off) until their caller is
 * being SIGKILLed (then EIO, which its user code never sees) or the power is back; "crash" discards what was not
 * durable, presents the surviving state and unfreezes.
 *
 * Usage: crashfs <backing-root> <graveyard-dir> <control-socket> <mountpoint> [--fsync-delay-ms N] [fuse options]
 *   --fsync-delay-ms N: every fsync, fdatasync and directory fsync first sleeps N ms (an SD card's flush latency);
 *   the same as the control command "delay N" at mount time (README.md: using it by hand and in benchmarks).
 */
#define FUSE_USE_VERSION 31
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* ---------- model ---------- */

typedef struct range {
    off_t off;
    size_t len;
    char *data;
    struct range *next; /* sorted by off, non-overlapping */
} range_t;

typedef struct dent {
    char *name;
    ino_t ino;
} dent_t;

typedef struct node {
    ino_t ino;
    char type; /* f file, d dir, l symlink, o other */
    struct node *hnext;
    pthread_mutex_t mu;
    /* files */
    off_t durable_size, live_size;
    int dirty;
    range_t *undo;
    size_t undo_bytes;
    int has_last;
    off_t last_off;
    size_t last_len;
    /* directories: durable entries */
    dent_t *ents;
    size_t nents, cap;
    /* every node */
    int drefs;      /* durable entries naming this inode */
    int in_grave;   /* a hard link (or the directory itself) is kept in the graveyard */
    int visited;    /* crash walk */
    char *link_target;
    mode_t mode;
    dev_t rdev;
} node_t;

typedef struct fh {
    int fd;
    char *path; /* at open (libfuse passes no path to fsync with nullpath_ok); for stall triggers only */
    unsigned gen;
    int sync;
    int append;
    node_t *node;
} fh_t;

typedef struct dh {
    DIR *dir;
    unsigned gen;
    ino_t ino;
} dh_t;

#define NBUCKETS 4096
static node_t *g_table[NBUCKETS];
static pthread_mutex_t g_table_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t g_ns_mu = PTHREAD_MUTEX_INITIALIZER;   /* namespace: entries, drefs, graveyard */
static pthread_rwlock_t g_gate;                                /* ops: read; crash: write */
static atomic_int g_frozen;
static atomic_uint g_gen = 1;

static char g_root[PATH_MAX], g_grave[PATH_MAX], g_control[PATH_MAX], g_state[PATH_MAX];
static int g_root_fd = -1, g_grave_fd = -1;
static ino_t g_root_ino;

/* knobs */
static atomic_int g_delay_ms;
static pthread_mutex_t g_stall_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_stall_cv = PTHREAD_COND_INITIALIZER;
static int g_stall;
static atomic_int g_stalled_now;
/* One-shot stall trigger: the first fsync of a file whose path contains g_trigger_pat ('f'), or the first directory
 * fsync whose pending entries include such a name ('d'; g_trigger_op '+' added, '-' removed, '~' replaced, '*' any),
 * turns the stall on before it waits. A power cut clears both. */
static char g_trigger_kind, g_trigger_op;
static char g_trigger_pat[256];
static atomic_long g_fail_write_left, g_fail_fsync_left; /* -1 = all */
static atomic_int g_fail_write_errno, g_fail_fsync_errno;
static atomic_llong g_capacity; /* 0 = unlimited */
static atomic_llong g_used;

/* stats */
static atomic_llong s_writes, s_bytes, s_fsyncs, s_fsyncdirs, s_undo_saved, s_crashes;

static unsigned bucket(ino_t ino) { return (unsigned)((ino * 2654435761u) % NBUCKETS); }

static node_t *node_lookup(ino_t ino) {
    pthread_mutex_lock(&g_table_mu);
    node_t *n = g_table[bucket(ino)];
    while (n && n->ino != ino) n = n->hnext;
    pthread_mutex_unlock(&g_table_mu);
    return n;
}

static char type_of(mode_t m) { return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : 'o'; }

static void free_undo(node_t *n) {
    range_t *r = n->undo;
    while (r) { range_t *nx = r->next; free(r->data); free(r); r = nx; }
    n->undo = NULL;
    n->undo_bytes = 0;
}

static void free_ents(node_t *n) {
    for (size_t i = 0; i < n->nents; i++) free(n->ents[i].name);
    free(n->ents);
    n->ents = NULL;
    n->nents = n->cap = 0;
}

/* Returns the node for an inode, creating it as durable (present at mount) when unknown. */
static node_t *node_get(const struct stat *st) {
    pthread_mutex_lock(&g_table_mu);
    unsigned b = bucket(st->st_ino);
    node_t *n = g_table[b];
    while (n && n->ino != st->st_ino) n = n->hnext;
    if (!n) {
        n = calloc(1, sizeof *n);
        n->ino = st->st_ino;
        n->type = type_of(st->st_mode);
        pthread_mutex_init(&n->mu, NULL);
        n->durable_size = n->live_size = st->st_size;
        n->mode = st->st_mode;
        n->rdev = st->st_rdev;
        n->hnext = g_table[b];
        g_table[b] = n;
    }
    pthread_mutex_unlock(&g_table_mu);
    return n;
}

/* A new inode just created by us: nothing of it is durable (an old node with a reused number is reset). */
static node_t *node_fresh(const struct stat *st) {
    node_t *n = node_get(st);
    pthread_mutex_lock(&n->mu);
    free_undo(n);
    free_ents(n);
    free(n->link_target);
    n->link_target = NULL;
    n->type = type_of(st->st_mode);
    n->durable_size = 0;
    n->live_size = st->st_size;
    n->dirty = st->st_size > 0;
    n->has_last = 0;
    n->drefs = 0;
    n->in_grave = 0;
    n->mode = st->st_mode;
    n->rdev = st->st_rdev;
    pthread_mutex_unlock(&n->mu);
    return n;
}

static void table_clear(void) {
    for (int b = 0; b < NBUCKETS; b++) {
        node_t *n = g_table[b];
        while (n) {
            node_t *nx = n->hnext;
            free_undo(n);
            free_ents(n);
            free(n->link_target);
            pthread_mutex_destroy(&n->mu);
            free(n);
            n = nx;
        }
        g_table[b] = NULL;
    }
}

static void add_ent(node_t *dir, const char *name, ino_t ino) {
    if (dir->nents == dir->cap) {
        dir->cap = dir->cap ? dir->cap * 2 : 8;
        dir->ents = realloc(dir->ents, dir->cap * sizeof(dent_t));
    }
    dir->ents[dir->nents].name = strdup(name);
    dir->ents[dir->nents].ino = ino;
    dir->nents++;
}

/* Saves the durable bytes of [off, off+len) not saved yet (caller holds n->mu). */
static int save_undo(node_t *n, int fd, off_t off, size_t len) {
    off_t end = off + (off_t)len;
    if (end > n->durable_size) end = n->durable_size;
    if (off >= end) return 0;
    range_t **pp = &n->undo;
    off_t cur = off;
    while (cur < end) {
        while (*pp && (*pp)->off + (off_t)(*pp)->len <= cur) pp = &(*pp)->next;
        off_t gap_end = end;
        if (*pp && (*pp)->off <= cur) { cur = (*pp)->off + (off_t)(*pp)->len; continue; }
        if (*pp && (*pp)->off < gap_end) gap_end = (*pp)->off;
        size_t glen = (size_t)(gap_end - cur);
        range_t *r = malloc(sizeof *r);
        r->off = cur;
        r->len = glen;
        r->data = malloc(glen);
        ssize_t got = pread(fd, r->data, glen, cur);
        if (got < 0) { free(r->data); free(r); return -errno; }
        if ((size_t)got < glen) memset(r->data + got, 0, glen - (size_t)got);
        r->next = *pp;
        *pp = r;
        pp = &r->next;
        n->undo_bytes += glen;
        atomic_fetch_add(&s_undo_saved, (long long)glen);
        cur = gap_end;
    }
    return 0;
}

static void mark_durable(node_t *n, int fd) {
    struct stat st;
    pthread_mutex_lock(&n->mu);
    if (fd >= 0 && fstat(fd, &st) == 0) n->live_size = st.st_size;
    n->durable_size = n->live_size;
    free_undo(n);
    n->dirty = 0;
    n->has_last = 0;
    pthread_mutex_unlock(&n->mu);
}

/* ---------- gate, faults ---------- */

/* Is the calling thread being killed (SIGKILL pending) or gone? Then it can never see the result of its call. */
static int caller_doomed(pid_t pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) return 1;
    int doomed = 0;
    while (!doomed && fgets(line, sizeof line, f)) {
        unsigned long long mask;
        char state;
        if (sscanf(line, "State:\t%c", &state) == 1) doomed = state == 'Z' || state == 'X';
        else if (sscanf(line, "SigPnd:\t%llx", &mask) == 1 || sscanf(line, "ShdPnd:\t%llx", &mask) == 1)
            doomed = (mask & (1ull << (SIGKILL - 1))) != 0;
    }
    fclose(f);
    return doomed;
}

/* While the power is off (frozen) a call blocks: it completes neither before the cut nor, for its caller, ever. Once
 * the caller is being killed it gets EIO (the kernel will not return to its user code); once the power is back
 * (after the crash) it continues on the surviving state (calls on files opened before the cut then fail). */
static int wait_power(void) {
    while (atomic_load(&g_frozen)) {
        struct fuse_context *ctx = fuse_get_context();
        if (ctx && caller_doomed(ctx->pid)) return -EIO;
        struct timespec ts = { 0, 1000000L };
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int enter(void) {
    for (;;) {
        pthread_rwlock_rdlock(&g_gate);
        if (!atomic_load(&g_frozen)) return 0;
        pthread_rwlock_unlock(&g_gate);
        int e = wait_power();
        if (e) return e;
    }
}
static void leave(void) { pthread_rwlock_unlock(&g_gate); }

static int take_fault(atomic_long *left, atomic_int *err) {
    long v = atomic_load(left);
    while (v != 0) {
        if (v < 0) return atomic_load(err);
        if (atomic_compare_exchange_weak(left, &v, v - 1)) return atomic_load(err);
    }
    return 0;
}

/* fsync latency and stall, outside the gate so a crash is never blocked by them. */
static int fsync_wait(void) {
    int e = take_fault(&g_fail_fsync_left, &g_fail_fsync_errno);
    if (e) return -e;
    int ms = atomic_load(&g_delay_ms);
    if (ms > 0) {
        struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    pthread_mutex_lock(&g_stall_mu);
    if (g_stall) {
        atomic_fetch_add(&g_stalled_now, 1);
        while (g_stall && !atomic_load(&g_frozen)) pthread_cond_wait(&g_stall_cv, &g_stall_mu);
        atomic_fetch_sub(&g_stalled_now, 1);
    }
    pthread_mutex_unlock(&g_stall_mu);
    return wait_power();
}

static int trigger_file(const char *path) {
    pthread_mutex_lock(&g_stall_mu);
    int hit = g_trigger_kind == 'f' && path && strstr(path, g_trigger_pat);
    if (hit) { g_trigger_kind = 0; g_stall = 1; }
    pthread_mutex_unlock(&g_stall_mu);
    return hit;
}

static const char *rel(const char *path) { return (path[0] == '/' && path[1] == 0) ? "." : path + 1; }

static fh_t *FH(struct fuse_file_info *fi) { return (fh_t *)(uintptr_t)fi->fh; }

static int live_fh(struct fuse_file_info *fi) { return fi && fi->fh && FH(fi)->gen == atomic_load(&g_gen); }

/* ---------- operations ---------- */

static void *cf_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
    conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
    cfg->entry_timeout = 0;
    cfg->attr_timeout = 0;
    cfg->negative_timeout = 0;
    cfg->hard_remove = 1;
    cfg->nullpath_ok = 1;
    cfg->use_ino = 1;
    return NULL;
}

static int cf_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r;
    if (fi && fi->fh) r = live_fh(fi) ? (fstat(FH(fi)->fd, st) ? -errno : 0) : -EIO;
    else r = fstatat(g_root_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    leave();
    return r;
}

static int cf_access(const char *path, int mask) {
    int e = enter();
    if (e) return e;
    int r = faccessat(g_root_fd, rel(path), mask, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    leave();
    return r;
}

static int cf_readlink(const char *path, char *buf, size_t size) {
    int e = enter();
    if (e) return e;
    ssize_t n = readlinkat(g_root_fd, rel(path), buf, size - 1);
    int r = n < 0 ? -errno : 0;
    if (n >= 0) buf[n] = 0;
    leave();
    return r;
}

static int made(const char *path) {
    struct stat st;
    if (fstatat(g_root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW)) return -errno;
    node_t *n = node_fresh(&st);
    if (n->type == 'l') {
        char buf[PATH_MAX];
        ssize_t len = readlinkat(g_root_fd, rel(path), buf, sizeof buf - 1);
        if (len >= 0) { buf[len] = 0; n->link_target = strdup(buf); }
    }
    return 0;
}

static int cf_mknod(const char *path, mode_t mode, dev_t rdev) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    int r = mknodat(g_root_fd, rel(path), mode, rdev) ? -errno : made(path);
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_mkdir(const char *path, mode_t mode) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    int r = mkdirat(g_root_fd, rel(path), mode) ? -errno : made(path);
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_symlink(const char *target, const char *path) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    int r = symlinkat(target, g_root_fd, rel(path)) ? -errno : made(path);
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_link(const char *from, const char *to) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    int r = linkat(g_root_fd, rel(from), g_root_fd, rel(to), 0) ? -errno : 0;
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static void ino_name(char *buf, ino_t ino) { snprintf(buf, 32, "%" PRIu64, (uint64_t)ino); }

static int dir_is_empty(const char *relpath) {
    int fd = openat(g_root_fd, relpath, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return -errno;
    DIR *d = fdopendir(fd);
    struct dirent *de;
    int empty = 1;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) { empty = 0; break; }
    }
    closedir(d);
    return empty;
}

/* Before a live name of a durably named inode disappears, keep the inode alive in the graveyard (ns lock held). */
static int preserve(const char *relpath, const struct stat *st) {
    node_t *n = node_lookup(st->st_ino);
    if (!n || n->drefs == 0 || n->in_grave) return 0;
    char name[32];
    ino_name(name, st->st_ino);
    if (S_ISDIR(st->st_mode)) {
        int empty = dir_is_empty(relpath);
        if (empty < 0) return empty;
        if (!empty) return -ENOTEMPTY;
        if (renameat(g_root_fd, relpath, g_grave_fd, name)) return -errno;
        n->in_grave = 1;
        return 1; /* moved: the caller's rmdir/replace is done */
    }
    if (linkat(g_root_fd, relpath, g_grave_fd, name, 0)) return -errno;
    n->in_grave = 1;
    return 0;
}

static void used_drop(const struct stat *st) {
    if (S_ISREG(st->st_mode) && st->st_nlink == 1) atomic_fetch_sub(&g_used, (long long)st->st_size);
}

static int cf_unlink(const char *path) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    struct stat st;
    int r = fstatat(g_root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    if (r == 0 && !S_ISDIR(st.st_mode)) r = preserve(rel(path), &st);
    if (r == 0) {
        r = unlinkat(g_root_fd, rel(path), 0) ? -errno : 0;
        if (r == 0) used_drop(&st);
    }
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_rmdir(const char *path) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    struct stat st;
    int r = fstatat(g_root_fd, rel(path), &st, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    if (r == 0 && !S_ISDIR(st.st_mode)) r = -ENOTDIR;
    if (r == 0) r = preserve(rel(path), &st);
    if (r == 0) r = unlinkat(g_root_fd, rel(path), AT_REMOVEDIR) ? -errno : 0;
    if (r == 1) r = 0;
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_rename(const char *from, const char *to, unsigned int flags) {
    if (flags & RENAME_EXCHANGE) return -EINVAL;
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    struct stat src, dst;
    int r = fstatat(g_root_fd, rel(from), &src, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    int replaced = 0;
    if (r == 0 && fstatat(g_root_fd, rel(to), &dst, AT_SYMLINK_NOFOLLOW) == 0 && dst.st_ino != src.st_ino) {
        if (flags & RENAME_NOREPLACE) r = -EEXIST;
        else if (S_ISDIR(dst.st_mode) != S_ISDIR(src.st_mode)) r = S_ISDIR(dst.st_mode) ? -EISDIR : -ENOTDIR;
        else { r = preserve(rel(to), &dst); replaced = 1; }
        if (r == 1) r = 0;
    }
    if (r == 0) {
        r = renameat2(g_root_fd, rel(from), g_root_fd, rel(to), flags) ? -errno : 0;
        if (r == 0 && replaced) used_drop(&dst);
    }
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r;
    if (fi && fi->fh) r = live_fh(fi) ? (fchmod(FH(fi)->fd, mode) ? -errno : 0) : -EIO;
    else r = fchmodat(g_root_fd, rel(path), mode, 0) ? -errno : 0;
    leave();
    return r;
}

static int cf_chown(const char *path, uid_t uid, gid_t gid, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r;
    if (fi && fi->fh) r = live_fh(fi) ? (fchown(FH(fi)->fd, uid, gid) ? -errno : 0) : -EIO;
    else r = fchownat(g_root_fd, rel(path), uid, gid, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    leave();
    return r;
}

static int cf_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r;
    if (fi && fi->fh) r = live_fh(fi) ? (futimens(FH(fi)->fd, tv) ? -errno : 0) : -EIO;
    else r = utimensat(g_root_fd, rel(path), tv, AT_SYMLINK_NOFOLLOW) ? -errno : 0;
    leave();
    return r;
}

/* Shrinking or growing a file (caller inside the gate). */
static int do_truncate(node_t *n, int fd, off_t size) {
    pthread_mutex_lock(&n->mu);
    int r = 0;
    if (size < n->live_size) r = save_undo(n, fd, size, (size_t)(n->live_size - size));
    if (r == 0 && ftruncate(fd, size)) r = -errno;
    if (r == 0) {
        atomic_fetch_add(&g_used, (long long)(size - n->live_size));
        n->live_size = size;
        n->dirty = 1;
        n->has_last = 0;
    }
    pthread_mutex_unlock(&n->mu);
    return r;
}

static int cf_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r;
    if (fi && fi->fh) {
        r = live_fh(fi) ? do_truncate(FH(fi)->node, FH(fi)->fd, size) : -EIO;
    } else {
        int fd = openat(g_root_fd, rel(path), O_RDWR);
        struct stat st;
        if (fd < 0) r = -errno;
        else {
            r = fstat(fd, &st) ? -errno : do_truncate(node_get(&st), fd, size);
            close(fd);
        }
    }
    leave();
    return r;
}

static int open_common(const char *path, int fd, struct fuse_file_info *fi, node_t *n) {
    fh_t *h = calloc(1, sizeof *h);
    h->fd = fd;
    h->path = strdup(path);
    h->gen = atomic_load(&g_gen);
    h->sync = (fi->flags & O_DSYNC) != 0; /* O_SYNC includes the O_DSYNC bit */
    h->append = (fi->flags & O_APPEND) != 0;
    h->node = n;
    fi->fh = (uint64_t)(uintptr_t)h;
    fi->keep_cache = 0;
    /* No page cache: every read and write goes to the backing file, so a read sees every completed write. With the
     * kernel's cache, a read (auto_inval_data refreshes attributes first; a changed mtime drops the cached pages) could
     * drop a page a write in flight had just filled, and readahead past the reader's range then fetched it again from
     * the backing file before that write reached it: a written, fdatasynced record read back as zeros (a log with
     * preallocated zeros after its end lost records that way; Edge.Gateway.Log.Tests PreallocatedReadTests). */
    fi->direct_io = 1;
    return 0;
}

/* O_WRONLY becomes O_RDWR: the undo record reads the bytes a write replaces. */
static int backing_flags(int flags) {
    flags &= ~(O_APPEND | O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY);
    if ((flags & O_ACCMODE) == O_WRONLY) flags = (flags & ~O_ACCMODE) | O_RDWR;
    return flags | O_CLOEXEC;
}

static int cf_open(const char *path, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int fd = openat(g_root_fd, rel(path), backing_flags(fi->flags));
    int r = 0;
    struct stat st;
    if (fd < 0) r = -errno;
    else if (fstat(fd, &st)) { r = -errno; close(fd); }
    else {
        node_t *n = node_get(&st);
        if (fi->flags & O_TRUNC) r = do_truncate(n, fd, 0);
        if (r == 0) r = open_common(path, fd, fi, n);
        else close(fd);
    }
    leave();
    return r;
}

static int cf_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    pthread_mutex_lock(&g_ns_mu);
    int r = 0;
    int fd = openat(g_root_fd, rel(path), backing_flags(fi->flags) | O_CREAT | O_EXCL, mode);
    int created = fd >= 0;
    if (fd < 0 && errno == EEXIST && !(fi->flags & O_EXCL)) fd = openat(g_root_fd, rel(path), backing_flags(fi->flags));
    struct stat st;
    if (fd < 0) r = -errno;
    else if (fstat(fd, &st)) { r = -errno; close(fd); }
    else {
        node_t *n = created ? node_fresh(&st) : node_get(&st);
        if (!created && (fi->flags & O_TRUNC)) r = do_truncate(n, fd, 0);
        if (r == 0) r = open_common(path, fd, fi, n);
        else close(fd);
    }
    pthread_mutex_unlock(&g_ns_mu);
    leave();
    return r;
}

static int cf_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)path;
    int e = enter();
    if (e) return e;
    int r;
    if (!live_fh(fi)) r = -EIO;
    else {
        ssize_t n = pread(FH(fi)->fd, buf, size, off);
        r = n < 0 ? -errno : (int)n;
    }
    leave();
    return r;
}

static int cf_write(const char *path, const char *buf, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)path;
    int e = enter();
    if (e) return e;
    if (!live_fh(fi)) { leave(); return -EIO; }
    fh_t *h = FH(fi);
    node_t *n = h->node;
    int fault = take_fault(&g_fail_write_left, &g_fail_write_errno);
    if (fault) { leave(); return -fault; }
    pthread_mutex_lock(&n->mu);
    if (h->append) off = n->live_size;
    int r = 0;
    long long cap = atomic_load(&g_capacity);
    off_t end = off + (off_t)size;
    if (cap > 0 && end > n->live_size) {
        long long avail = cap - atomic_load(&g_used);
        long long grow = end - n->live_size;
        if (avail <= 0) r = -ENOSPC;
        else if (grow > avail) size -= (size_t)(grow - avail); /* partial write, then ENOSPC on the next */
    }
    if (r == 0) r = save_undo(n, h->fd, off, size);
    if (r == 0) {
        ssize_t w = pwrite(h->fd, buf, size, off);
        if (w < 0) r = -errno;
        else {
            r = (int)w;
            end = off + w;
            if (end > n->live_size) { atomic_fetch_add(&g_used, (long long)(end - n->live_size)); n->live_size = end; }
            n->dirty = 1;
            n->has_last = 1;
            n->last_off = off;
            n->last_len = (size_t)w;
            atomic_fetch_add(&s_writes, 1);
            atomic_fetch_add(&s_bytes, (long long)w);
        }
    }
    pthread_mutex_unlock(&n->mu);
    leave();
    if (r > 0 && h->sync) {
        /* O_DSYNC: the write returns once durable, like write + fdatasync */
        int f = fsync_wait();
        if (f) return f;
        if ((f = enter())) return f;
        if (live_fh(fi)) mark_durable(n, h->fd);
        atomic_fetch_add(&s_fsyncs, 1);
        leave();
    }
    return r;
}

static int cf_statfs(const char *path, struct statvfs *sv) {
    (void)path;
    int e = enter();
    if (e) return e;
    int r = fstatvfs(g_root_fd, sv) ? -errno : 0;
    long long cap = atomic_load(&g_capacity);
    if (r == 0 && cap > 0) {
        long long used = atomic_load(&g_used);
        unsigned long bs = sv->f_frsize ? sv->f_frsize : 4096;
        sv->f_blocks = (fsblkcnt_t)(cap / (long long)bs);
        long long fr = used >= cap ? 0 : (cap - used) / (long long)bs;
        sv->f_bfree = sv->f_bavail = (fsblkcnt_t)fr;
    }
    leave();
    return r;
}

static int cf_flush(const char *path, struct fuse_file_info *fi) { (void)path; (void)fi; return 0; }

static int cf_release(const char *path, struct fuse_file_info *fi) {
    (void)path;
    fh_t *h = FH(fi);
    close(h->fd);
    free(h->path);
    free(h);
    return 0;
}

static int cf_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)datasync;
    trigger_file(path ? path : fi && fi->fh ? FH(fi)->path : NULL);
    int e = fsync_wait();
    if (e) return e;
    if ((e = enter())) return e;
    int r = 0;
    if (!live_fh(fi)) r = -EIO;
    else mark_durable(FH(fi)->node, FH(fi)->fd);
    atomic_fetch_add(&s_fsyncs, 1);
    leave();
    return r;
}

static int cf_fallocate(const char *path, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void)path;
    if (mode & ~FALLOC_FL_KEEP_SIZE) return -EOPNOTSUPP;
    int e = enter();
    if (e) return e;
    int r;
    if (!live_fh(fi)) r = -EIO;
    else {
        node_t *n = FH(fi)->node;
        pthread_mutex_lock(&n->mu);
        r = fallocate(FH(fi)->fd, mode, off, len) ? -errno : 0;
        struct stat st;
        if (r == 0 && fstat(FH(fi)->fd, &st) == 0 && st.st_size != n->live_size) {
            atomic_fetch_add(&g_used, (long long)(st.st_size - n->live_size));
            n->live_size = st.st_size;
            n->dirty = 1;
        }
        pthread_mutex_unlock(&n->mu);
    }
    leave();
    return r;
}

static int cf_opendir(const char *path, struct fuse_file_info *fi) {
    int e = enter();
    if (e) return e;
    int r = 0;
    int fd = openat(g_root_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (fd < 0) r = -errno;
    else if (fstat(fd, &st)) { r = -errno; close(fd); }
    else {
        dh_t *d = calloc(1, sizeof *d);
        d->dir = fdopendir(fd);
        d->gen = atomic_load(&g_gen);
        d->ino = st.st_ino;
        node_get(&st);
        fi->fh = (uint64_t)(uintptr_t)d;
    }
    leave();
    return r;
}

static int cf_readdir(const char *path, void *buf, fuse_fill_dir_t filler, off_t off, struct fuse_file_info *fi,
                      enum fuse_readdir_flags flags) {
    (void)path; (void)off; (void)flags;
    int e = enter();
    if (e) return e;
    dh_t *d = (dh_t *)(uintptr_t)fi->fh;
    int r = 0;
    if (d->gen != atomic_load(&g_gen)) r = -EIO;
    else {
        rewinddir(d->dir);
        struct dirent *de;
        while ((de = readdir(d->dir))) {
            struct stat st;
            memset(&st, 0, sizeof st);
            st.st_ino = de->d_ino;
            st.st_mode = (mode_t)(de->d_type << 12);
            if (filler(buf, de->d_name, &st, 0, 0)) break;
        }
    }
    leave();
    return r;
}

static int cf_releasedir(const char *path, struct fuse_file_info *fi) {
    (void)path;
    dh_t *d = (dh_t *)(uintptr_t)fi->fh;
    closedir(d->dir);
    free(d);
    return 0;
}

/* The directory's durable entries become its live entries (ns lock held). */
static void snapshot_dir(node_t *dir, int dirfd) {
    int fd = dup(dirfd);
    DIR *dd = fdopendir(fd);
    rewinddir(dd);
    dent_t *old = dir->ents;
    size_t nold = dir->nents;
    dir->ents = NULL;
    dir->nents = dir->cap = 0;
    struct dirent *de;
    while ((de = readdir(dd))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        node_t *child = node_get(&st);
        child->drefs++;
        add_ent(dir, de->d_name, st.st_ino);
    }
    closedir(dd);
    for (size_t i = 0; i < nold; i++) {
        node_t *child = node_lookup(old[i].ino);
        if (child && --child->drefs == 0 && child->in_grave) {
            char name[32];
            ino_name(name, child->ino);
            unlinkat(g_grave_fd, name, child->type == 'd' ? AT_REMOVEDIR : 0);
            child->in_grave = 0;
        }
        free(old[i].name);
    }
    free(old);
}

/* Does the directory have a pending (not yet durable) entry change of kind op whose name contains pat? */
static int dir_pending(node_t *dir, int dirfd, char op, const char *pat) {
    int fd = dup(dirfd);
    DIR *dd = fdopendir(fd);
    rewinddir(dd);
    int hit = 0;
    struct dirent *de;
    while (!hit && (de = readdir(dd))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") || !strstr(de->d_name, pat)) continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        size_t i = 0;
        while (i < dir->nents && strcmp(dir->ents[i].name, de->d_name)) i++;
        if (i == dir->nents) hit = op == '+' || op == '*';
        else if (dir->ents[i].ino != st.st_ino) hit = op == '~' || op == '*';
    }
    closedir(dd);
    for (size_t i = 0; !hit && (op == '-' || op == '*') && i < dir->nents; i++) {
        struct stat st;
        if (strstr(dir->ents[i].name, pat) && fstatat(dirfd, dir->ents[i].name, &st, AT_SYMLINK_NOFOLLOW)) hit = 1;
    }
    return hit;
}

static void trigger_dir(struct fuse_file_info *fi) {
    pthread_mutex_lock(&g_stall_mu);
    int armed = g_trigger_kind == 'd';
    pthread_mutex_unlock(&g_stall_mu);
    if (!armed || enter()) return;
    dh_t *d = (dh_t *)(uintptr_t)fi->fh;
    pthread_mutex_lock(&g_ns_mu);
    node_t *dir = node_lookup(d->ino);
    pthread_mutex_lock(&g_stall_mu);
    if (g_trigger_kind == 'd' && dir && d->gen == atomic_load(&g_gen) && dir_pending(dir, dirfd(d->dir), g_trigger_op, g_trigger_pat)) {
        g_trigger_kind = 0;
        g_stall = 1;
    }
    pthread_mutex_unlock(&g_stall_mu);
    pthread_mutex_unlock(&g_ns_mu);
    leave();
}

static int cf_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
    (void)path; (void)datasync;
    trigger_dir(fi);
    int e = fsync_wait();
    if (e) return e;
    if ((e = enter())) return e;
    dh_t *d = (dh_t *)(uintptr_t)fi->fh;
    int r = 0;
    if (d->gen != atomic_load(&g_gen)) r = -EIO;
    else {
        pthread_mutex_lock(&g_ns_mu);
        node_t *dir = node_lookup(d->ino);
        if (dir && dir->type == 'd') snapshot_dir(dir, dirfd(d->dir));
        pthread_mutex_unlock(&g_ns_mu);
        atomic_fetch_add(&s_fsyncdirs, 1);
    }
    leave();
    return r;
}

static const struct fuse_operations ops = {
    .init = cf_init,
    .getattr = cf_getattr,
    .access = cf_access,
    .readlink = cf_readlink,
    .mknod = cf_mknod,
    .mkdir = cf_mkdir,
    .symlink = cf_symlink,
    .unlink = cf_unlink,
    .rmdir = cf_rmdir,
    .rename = cf_rename,
    .link = cf_link,
    .chmod = cf_chmod,
    .chown = cf_chown,
    .truncate = cf_truncate,
    .utimens = cf_utimens,
    .open = cf_open,
    .create = cf_create,
    .read = cf_read,
    .write = cf_write,
    .statfs = cf_statfs,
    .flush = cf_flush,
    .release = cf_release,
    .fsync = cf_fsync,
    .fallocate = cf_fallocate,
    .opendir = cf_opendir,
    .readdir = cf_readdir,
    .releasedir = cf_releasedir,
    .fsyncdir = cf_fsyncdir,
};

/* One translation unit (gcc crashfs.c): the crash and the control socket live in their own files. */
#include "crash.inc.c"
#include "control.inc.c"

int main(int argc, char *argv[]) {
    if (argc < 5) {
        fprintf(stderr, "usage: crashfs <backing-root> <graveyard> <control-socket> <mountpoint> [--fsync-delay-ms N] [fuse options]\n");
        return 2;
    }
    if (!realpath(argv[1], g_root) || !realpath(argv[2], g_grave)) { perror("crashfs: realpath"); return 2; }
    snprintf(g_control, sizeof g_control, "%s", argv[3]);
    snprintf(g_state, sizeof g_state, "%s", g_root);
    char *slash = strrchr(g_state, '/');
    if (slash && slash != g_state) *slash = 0;
    pthread_rwlockattr_t ra;
    pthread_rwlockattr_init(&ra);
    pthread_rwlockattr_setkind_np(&ra, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&g_gate, &ra);
    if (open_tree()) return 2;
    scan_durable();
    if (start_control()) return 2;
    char *fargv[64];
    int fargc = 0;
    fargv[fargc++] = argv[0];
    for (int i = 4; i < argc && fargc < 60; i++) {
        if (!strcmp(argv[i], "--fsync-delay-ms") && i + 1 < argc) {
            /* Every fsync/fdatasync/fsyncdir sleeps this long first (an SD card); the control socket's "delay" changes it. */
            atomic_store(&g_delay_ms, atoi(argv[++i]));
            continue;
        }
        fargv[fargc++] = argv[i];
    }
    fargv[fargc++] = "-f";
    fargv[fargc] = NULL;
    int rc = fuse_main(fargc, fargv, &ops, NULL);
    unlink(g_control);
    return rc;
}
