/* crashfs: the control socket. Included by crashfs.c (one translation unit). One command per line, one JSON line
 * per reply; connections are served one at a time. */

static char *reply_ok(void) { return strdup("{\"ok\":true}"); }

static char *reply_error(const char *what) {
    buf_t b = { 0 };
    bprintf(&b, "{\"ok\":false,\"error\":");
    bjson_str(&b, what);
    bprintf(&b, "}");
    return b.p;
}

static char *command(char *line) {
    char *argv[8];
    int argc = 0;
    for (char *tok = strtok(line, " \t\r\n"); tok && argc < 8; tok = strtok(NULL, " \t\r\n")) argv[argc++] = tok;
    if (argc == 0) return reply_error("empty command");
    const char *cmd = argv[0];
    if (!strcmp(cmd, "ping")) return reply_ok();
    if (!strcmp(cmd, "stats")) {
        buf_t b = { 0 };
        bprintf(&b, "{\"ok\":true,\"writes\":%lld,\"bytes\":%lld,\"fsyncs\":%lld,\"fsyncdirs\":%lld,"
                    "\"undo_bytes_saved\":%lld,\"used\":%lld,\"capacity\":%lld,\"generation\":%u,\"stalled\":%d,"
                    "\"crashes\":%lld,\"frozen\":%s}",
                atomic_load(&s_writes), atomic_load(&s_bytes), atomic_load(&s_fsyncs), atomic_load(&s_fsyncdirs),
                atomic_load(&s_undo_saved), atomic_load(&g_used), atomic_load(&g_capacity), atomic_load(&g_gen),
                atomic_load(&g_stalled_now), atomic_load(&s_crashes), atomic_load(&g_frozen) ? "true" : "false");
        return b.p;
    }
    if (!strcmp(cmd, "delay") && argc == 2) { atomic_store(&g_delay_ms, atoi(argv[1])); return reply_ok(); }
    if (!strcmp(cmd, "stall") || !strcmp(cmd, "release")) {
        pthread_mutex_lock(&g_stall_mu);
        g_stall = !strcmp(cmd, "stall");
        pthread_cond_broadcast(&g_stall_cv);
        pthread_mutex_unlock(&g_stall_mu);
        return reply_ok();
    }
    if (!strcmp(cmd, "stall-on") && argc == 3 && (!strcmp(argv[1], "file") || !strcmp(argv[1], "dir"))) {
        const char *pat = argv[2];
        char op = '*';
        if (argv[1][0] == 'd' && strchr("+-~*", pat[0]) && pat[0]) op = *pat++;
        if (!*pat || strlen(pat) >= sizeof g_trigger_pat) return reply_error("stall-on: bad pattern");
        pthread_mutex_lock(&g_stall_mu);
        g_trigger_kind = argv[1][0];
        g_trigger_op = op;
        strcpy(g_trigger_pat, pat);
        pthread_mutex_unlock(&g_stall_mu);
        return reply_ok();
    }
    if (!strcmp(cmd, "fail") && argc == 2 && !strcmp(argv[1], "clear")) {
        atomic_store(&g_fail_write_left, 0);
        atomic_store(&g_fail_fsync_left, 0);
        return reply_ok();
    }
    if (!strcmp(cmd, "fail") && argc == 4) {
        long count = !strcmp(argv[3], "all") ? -1 : atol(argv[3]);
        int err = atoi(argv[2]);
        if (err <= 0) return reply_error("errno must be a positive number");
        if (!strcmp(argv[1], "write")) { atomic_store(&g_fail_write_errno, err); atomic_store(&g_fail_write_left, count); }
        else if (!strcmp(argv[1], "fsync")) { atomic_store(&g_fail_fsync_errno, err); atomic_store(&g_fail_fsync_left, count); }
        else return reply_error("fail: operation must be write or fsync");
        return reply_ok();
    }
    if (!strcmp(cmd, "capacity") && argc == 2) { atomic_store(&g_capacity, atoll(argv[1])); return reply_ok(); }
    if (!strcmp(cmd, "freeze")) { freeze(); return reply_ok(); }
    if (!strcmp(cmd, "crash") && argc == 3) return crash(atoi(argv[1]), strtoull(argv[2], NULL, 10));
    return reply_error("unknown command or wrong arguments");
}

static void *control_loop(void *arg) {
    int listener = (int)(intptr_t)arg;
    for (;;) {
        int c = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0) { if (errno == EINTR) continue; break; }
        FILE *in = fdopen(c, "r+");
        char line[1024];
        while (fgets(line, sizeof line, in)) {
            char *reply = command(line);
            fprintf(in, "%s\n", reply);
            fflush(in);
            free(reply);
        }
        fclose(in);
    }
    return NULL;
}

/* The test host that started us died (orphaned): stop, which makes libfuse unmount. Polling getppid instead of
 * PR_SET_PDEATHSIG, which fires when the forking *thread* exits (a .NET thread-pool thread may). */
static void *orphan_watch(void *arg) {
    pid_t parent = (pid_t)(intptr_t)arg;
    for (;;) {
        sleep(1);
        if (getppid() != parent) { kill(getpid(), SIGTERM); return NULL; }
    }
}

static int start_control(void) {
    pthread_t w;
    pthread_create(&w, NULL, orphan_watch, (void *)(intptr_t)getppid());
    pthread_detach(w);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(g_control) >= sizeof addr.sun_path) { fprintf(stderr, "crashfs: control socket path too long\n"); return -1; }
    strcpy(addr.sun_path, g_control);
    unlink(g_control);
    if (bind(s, (struct sockaddr *)&addr, sizeof addr) || listen(s, 8)) { perror("crashfs: control socket"); return -1; }
    pthread_t t;
    pthread_create(&t, NULL, control_loop, (void *)(intptr_t)s);
    pthread_detach(t);
    return 0;
}
