/* crashfs: mount-time scan and the power cut. Included by crashfs.c (one translation unit). */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf_t;

static void bprintf(buf_t *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (b->p && (size_t)n < b->cap - b->len) { b->len += (size_t)n; return; }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
    }
}

static void bjson_str(buf_t *b, const char *s) {
    bprintf(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') bprintf(b, "\\%c", c);
        else if (c < 0x20) bprintf(b, "\\u%04x", c);
        else bprintf(b, "%c", c);
    }
    bprintf(b, "\"");
}

static int open_tree(void) {
    if (g_root_fd >= 0) close(g_root_fd);
    g_root_fd = open(g_root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (g_grave_fd < 0) g_grave_fd = open(g_grave, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (g_root_fd < 0 || g_grave_fd < 0) { perror("crashfs: open backing directories"); return -1; }
    struct stat st;
    fstat(g_root_fd, &st);
    g_root_ino = st.st_ino;
    return 0;
}

/* Everything present is durable: record each directory's entries and each file's size. */
static long long scan_dir(int dirfd, node_t *dir) {
    long long used = 0;
    int fd = dup(dirfd);
    DIR *d = fdopendir(fd);
    rewinddir(d); /* a dup shares the offset */
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        node_t *child = node_get(&st);
        child->drefs++;
        add_ent(dir, de->d_name, st.st_ino);
        if (S_ISREG(st.st_mode)) used += st.st_size;
        else if (S_ISLNK(st.st_mode) && !child->link_target) {
            char target[PATH_MAX];
            ssize_t n = readlinkat(dirfd, de->d_name, target, sizeof target - 1);
            if (n >= 0) { target[n] = 0; child->link_target = strdup(target); }
        } else if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0) { used += scan_dir(sub, child); close(sub); }
        }
    }
    closedir(d);
    return used;
}

static void scan_durable(void) {
    table_clear();
    struct stat st;
    fstat(g_root_fd, &st);
    node_t *root = node_get(&st);
    root->drefs = 1;
    atomic_store(&g_used, scan_dir(g_root_fd, root));
}

static void rm_rf_at(int dirfd, const char *name) {
    if (unlinkat(dirfd, name, 0) == 0 || (errno != EISDIR && errno != EPERM)) return;
    int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    DIR *d = fdopendir(fd);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) rm_rf_at(fd, de->d_name);
    closedir(d);
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* ---- the live tree, for finding a path to each surviving inode ---- */

typedef struct live {
    ino_t ino;
    char type;
    off_t size;
    char *path;
} live_t;

typedef struct lives {
    live_t *v;
    size_t n, cap;
} lives_t;

static void walk_live(int dirfd, const char *prefix, lives_t *out) {
    int fd = dup(dirfd);
    DIR *d = fdopendir(fd);
    rewinddir(d); /* a dup shares the offset */
    struct dirent *de;
    while ((de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..")) continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW)) continue;
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "/" : "", de->d_name);
        if (out->n == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->v = realloc(out->v, out->cap * sizeof(live_t));
        }
        out->v[out->n++] = (live_t){ st.st_ino, type_of(st.st_mode), st.st_size, strdup(path) };
        if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (sub >= 0) { walk_live(sub, path, out); close(sub); }
        }
    }
    closedir(d);
}

static int by_ino(const void *a, const void *b) {
    ino_t x = ((const live_t *)a)->ino, y = ((const live_t *)b)->ino;
    return x < y ? -1 : x > y;
}

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static const live_t *find_live(lives_t *byino, ino_t ino) {
    live_t key = { .ino = ino };
    return bsearch(&key, byino->v, byino->n, sizeof(live_t), by_ino);
}

typedef struct crash {
    int next_fd;
    int tear;
    uint64_t rng;
    lives_t byino;
    char **durable;
    size_t ndurable, capdurable;
    long long files_reverted, bytes_dropped, missing;
    buf_t reverted, torn;
    int nreverted, ntorn;
} crash_t;

static uint64_t next_rand(crash_t *c) {
    c->rng ^= c->rng << 13;
    c->rng ^= c->rng >> 7;
    c->rng ^= c->rng << 17;
    return c->rng;
}

#define REPORT_LIMIT 200

/* Brings a surviving file back to its durable bytes and size (optionally re-applying a torn prefix). */
static void revert_file(crash_t *c, node_t *n, const char *path) {
    if (!n->dirty && !n->undo && n->live_size == n->durable_size) return;
    int fd = openat(c->next_fd, path, O_RDWR | O_CLOEXEC);
    if (fd < 0) { c->missing++; return; }
    size_t kept = 0;
    char *prefix = NULL;
    if (c->tear && n->has_last && n->last_len > 0) {
        kept = (size_t)(next_rand(c) % n->last_len);
        prefix = malloc(kept + 1);
        ssize_t got = pread(fd, prefix, kept, n->last_off);
        kept = got < 0 ? 0 : (size_t)got;
    }
    for (range_t *r = n->undo; r; r = r->next) (void)!pwrite(fd, r->data, r->len, r->off);
    if (ftruncate(fd, n->durable_size)) c->missing++;
    if (kept > 0) (void)!pwrite(fd, prefix, kept, n->last_off);
    close(fd);
    long long dropped = (n->live_size > n->durable_size ? n->live_size - n->durable_size : 0) + (long long)n->undo_bytes;
    c->files_reverted++;
    c->bytes_dropped += dropped;
    if (c->nreverted++ < REPORT_LIMIT) {
        bprintf(&c->reverted, "%s{\"path\":", c->nreverted > 1 ? "," : "");
        bjson_str(&c->reverted, path);
        bprintf(&c->reverted, ",\"live_size\":%lld,\"durable_size\":%lld,\"restored_bytes\":%zu}",
                (long long)n->live_size, (long long)n->durable_size, n->undo_bytes);
    }
    if (c->tear && n->has_last && c->ntorn++ < REPORT_LIMIT) {
        bprintf(&c->torn, "%s{\"path\":", c->ntorn > 1 ? "," : "");
        bjson_str(&c->torn, path);
        bprintf(&c->torn, ",\"offset\":%lld,\"length\":%zu,\"kept\":%zu}", (long long)n->last_off, n->last_len, kept);
    }
    free(prefix);
}

static void add_durable(crash_t *c, const char *path) {
    if (c->ndurable == c->capdurable) {
        c->capdurable = c->capdurable ? c->capdurable * 2 : 64;
        c->durable = realloc(c->durable, c->capdurable * sizeof(char *));
    }
    c->durable[c->ndurable++] = strdup(path);
}

/* Builds the durable tree under next_fd from the durable entries reachable from dir. */
static void build(crash_t *c, node_t *dir, const char *prefix, int depth) {
    if (depth > 64) return;
    for (size_t i = 0; i < dir->nents; i++) {
        node_t *n = node_lookup(dir->ents[i].ino);
        if (!n) { c->missing++; continue; }
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "/" : "", dir->ents[i].name);
        if (n->type == 'd') {
            if (n->visited) continue; /* a renamed directory durable under two names: keep the first */
            n->visited = 1;
            if (mkdirat(c->next_fd, path, n->mode & 07777)) { c->missing++; continue; }
            add_durable(c, path);
            build(c, n, path, depth + 1);
        } else if (n->type == 'f') {
            char name[32];
            ino_name(name, n->ino);
            const live_t *l = n->in_grave ? NULL : find_live(&c->byino, n->ino);
            int ok = l ? linkat(g_root_fd, l->path, c->next_fd, path, 0) == 0
                       : n->in_grave && linkat(g_grave_fd, name, c->next_fd, path, 0) == 0;
            if (!ok) { fprintf(stderr, "crashfs: cannot keep %s: %s\n", path, strerror(errno)); c->missing++; continue; }
            add_durable(c, path);
            if (!n->visited) { n->visited = 1; revert_file(c, n, path); }
        } else if (n->type == 'l') {
            if (!n->link_target || symlinkat(n->link_target, c->next_fd, path)) { c->missing++; continue; }
            add_durable(c, path);
        } else {
            if (mknodat(c->next_fd, path, n->mode, n->rdev)) { c->missing++; continue; }
            add_durable(c, path);
        }
    }
}

static void clear_dir(int dirfd) {
    int fd = dup(dirfd);
    DIR *d = fdopendir(fd);
    rewinddir(d);
    struct dirent *de;
    while ((de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) rm_rf_at(dirfd, de->d_name);
    closedir(d);
}

/* Freeze: later operations fail with EIO; returns once in-flight operations are done. */
static void freeze(void) {
    atomic_store(&g_frozen, 1);
    pthread_mutex_lock(&g_stall_mu);
    pthread_cond_broadcast(&g_stall_cv);
    pthread_mutex_unlock(&g_stall_mu);
    pthread_rwlock_wrlock(&g_gate);
    pthread_rwlock_unlock(&g_gate);
}

/* The power cut: discard what is not durable, swap the surviving tree in, unfreeze. Returns a JSON report. */
static char *crash(int tear, uint64_t seed) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    freeze();
    pthread_rwlock_wrlock(&g_gate);
    pthread_mutex_lock(&g_ns_mu);
    crash_t c;
    memset(&c, 0, sizeof c);
    c.tear = tear;
    c.rng = seed ? seed : 0x9E3779B97F4A7C15ull;
    walk_live(g_root_fd, "", &c.byino);
    char **live_paths = malloc((c.byino.n + 1) * sizeof(char *));
    for (size_t i = 0; i < c.byino.n; i++) live_paths[i] = c.byino.v[i].path;
    qsort(c.byino.v, c.byino.n, sizeof(live_t), by_ino);

    unsigned gen = atomic_load(&g_gen);
    char next[PATH_MAX + 64], old[PATH_MAX + 64];
    snprintf(next, sizeof next, "%s/.crashfs-next-%u", g_state, gen);
    snprintf(old, sizeof old, "%s/.crashfs-old-%u", g_state, gen);
    struct stat rst;
    fstat(g_root_fd, &rst);
    mkdir(next, rst.st_mode & 07777);
    c.next_fd = open(next, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    node_t *root = node_lookup(g_root_ino);
    if (root) build(&c, root, "", 0);

    /* files that are gone: their whole size is dropped */
    for (size_t i = 0; i < c.byino.n; i++) {
        live_t *l = &c.byino.v[i];
        if (l->type != 'f' || (i > 0 && c.byino.v[i - 1].ino == l->ino)) continue;
        node_t *n = node_lookup(l->ino);
        if (!n || !n->visited) c.bytes_dropped += l->size;
    }

    /* entries: live but not durable (dropped), durable but not live (restored) */
    qsort(live_paths, c.byino.n, sizeof(char *), by_str);
    qsort(c.durable, c.ndurable, sizeof(char *), by_str);
    buf_t dropped = { 0 }, restored = { 0 };
    long long ndropped = 0, nrestored = 0;
    size_t i = 0, j = 0;
    bprintf(&dropped, "");
    bprintf(&restored, "");
    while (i < c.byino.n || j < c.ndurable) {
        int cmp = i >= c.byino.n ? 1 : j >= c.ndurable ? -1 : strcmp(live_paths[i], c.durable[j]);
        if (cmp < 0) {
            if (ndropped++ < REPORT_LIMIT) { bprintf(&dropped, ndropped > 1 ? "," : ""); bjson_str(&dropped, live_paths[i]); }
            i++;
        } else if (cmp > 0) {
            if (nrestored++ < REPORT_LIMIT) { bprintf(&restored, nrestored > 1 ? "," : ""); bjson_str(&restored, c.durable[j]); }
            j++;
        } else { i++; j++; }
    }

    /* swap the surviving tree in */
    close(c.next_fd);
    int swapped = rename(g_root, old) == 0 && rename(next, g_root) == 0;
    int fd_old = open(old, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_old >= 0) { clear_dir(fd_old); close(fd_old); rmdir(old); }
    clear_dir(g_grave_fd);
    open_tree();
    scan_durable();
    atomic_fetch_add(&g_gen, 1);
    atomic_fetch_add(&s_crashes, 1);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    buf_t out = { 0 };
    bprintf(&out, "{\"ok\":%s,\"generation\":%u,\"tear\":%s,\"seed\":%" PRIu64 ",\"files_reverted\":%lld,"
                  "\"bytes_dropped\":%lld,\"entries_dropped\":%lld,\"entries_restored\":%lld,\"missing\":%lld,"
                  "\"elapsed_ms\":%.1f,\"reverted\":[%s],\"torn\":[%s],\"dropped\":[%s],\"restored\":[%s]}",
            swapped ? "true" : "false", gen + 1, tear ? "true" : "false", seed, c.files_reverted, c.bytes_dropped,
            ndropped, nrestored, c.missing,
            (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6,
            c.reverted.p ? c.reverted.p : "", c.torn.p ? c.torn.p : "", dropped.p, restored.p);
    for (size_t k = 0; k < c.byino.n; k++) free(c.byino.v[k].path);
    free(c.byino.v);
    free(live_paths);
    for (size_t k = 0; k < c.ndurable; k++) free(c.durable[k]);
    free(c.durable);
    free(c.reverted.p);
    free(c.torn.p);
    free(dropped.p);
    free(restored.p);
    /* the power came back: a stuck card is not stuck any more */
    pthread_mutex_lock(&g_stall_mu);
    g_stall = 0;
    g_trigger_kind = 0;
    pthread_mutex_unlock(&g_stall_mu);
    atomic_store(&g_frozen, 0);
    pthread_mutex_unlock(&g_ns_mu);
    pthread_rwlock_unlock(&g_gate);
    return out.p;
}
