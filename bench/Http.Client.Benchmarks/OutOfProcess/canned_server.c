/*
 * canned_server: the out-of-process server of the benchmark harness (not code under test).
 *
 * A single-threaded, non-blocking epoll server on 127.0.0.1 that answers every request head (bytes up to CRLF CRLF;
 * GET only, no request body) on a keep-alive connection with one pre-encoded response read from a file at start-up.
 * It prints "port N" on stdout once listening, and exits when its stdin reaches end of file (the harness closed it or
 * died), on SIGTERM, or after --max-seconds: it can never outlive the harness by more than that bound.
 *
 * usage: canned_server RESPONSE_FILE CPU MAX_SECONDS   (CPU = -1: not pinned)
 * The harness compiles this file with gcc at run time; no binary is committed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNECTIONS 64
#define IN_BUFFER_SIZE (64 * 1024)
#define MAX_EVENTS 16

struct connection {
    int fd;
    size_t in_len;
    long pending;      /* responses owed to the client */
    size_t out_offset; /* bytes of the current response already sent */
    int want_out;      /* EPOLLOUT registered */
    char in[IN_BUFFER_SIZE];
};

static const char *response;
static size_t response_len;
static struct connection *connections[MAX_CONNECTIONS];
static volatile sig_atomic_t stop;

static void on_term(int sig) { (void)sig; stop = 1; }

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void close_connection(int epfd, int slot) {
    struct connection *c = connections[slot];
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c);
    connections[slot] = NULL;
}

static int set_interest(int epfd, int slot, int want_out) {
    struct connection *c = connections[slot];
    if (c->want_out == want_out) return 0;
    struct epoll_event ev = { .events = EPOLLIN | (want_out ? EPOLLOUT : 0), .data.u32 = (uint32_t)slot + 1 };
    c->want_out = want_out;
    return epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is owed until done or the socket is full. Returns -1 when the connection failed. */
static int flush_responses(int epfd, int slot) {
    struct connection *c = connections[slot];
    while (c->pending > 0) {
        ssize_t n = send(c->fd, response + c->out_offset, response_len - c->out_offset, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return set_interest(epfd, slot, 1);
            return -1;
        }
        c->out_offset += (size_t)n;
        if (c->out_offset == response_len) {
            c->out_offset = 0;
            c->pending--;
        }
    }
    return set_interest(epfd, slot, 0);
}

/* Reads what the client sent and counts the complete request heads in it. Returns -1 on close or error. */
static int read_requests(int slot) {
    struct connection *c = connections[slot];
    for (;;) {
        if (c->in_len == IN_BUFFER_SIZE) return -1; /* a request head over 64 KiB: not a client of this harness */
        ssize_t n = recv(c->fd, c->in + c->in_len, IN_BUFFER_SIZE - c->in_len, 0);
        if (n == 0) return -1;
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
            return -1;
        }
        c->in_len += (size_t)n;
        size_t consumed = 0;
        for (;;) {
            char *end = memmem(c->in + consumed, c->in_len - consumed, "\r\n\r\n", 4);
            if (end == NULL) break;
            consumed = (size_t)(end - c->in) + 4;
            c->pending++;
        }
        if (consumed > 0) {
            memmove(c->in, c->in + consumed, c->in_len - consumed);
            c->in_len -= consumed;
        }
        if ((size_t)n < IN_BUFFER_SIZE) return 0; /* level-triggered: anything left is reported again */
    }
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) die(path);
    struct stat st;
    if (fstat(fileno(f), &st) != 0) die("fstat");
    char *data = malloc((size_t)st.st_size);
    if (data == NULL || fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) die("read response");
    fclose(f);
    *len = (size_t)st.st_size;
    return data;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s RESPONSE_FILE CPU MAX_SECONDS\n", argv[0]);
        return 2;
    }
    response = read_file(argv[1], &response_len);
    int cpu = atoi(argv[2]);
    double max_seconds = atof(argv[3]);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (sched_setaffinity(0, sizeof set, &set) != 0) die("sched_setaffinity");
    }
    signal(SIGTERM, on_term);
    signal(SIGPIPE, SIG_IGN);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (listener < 0) die("socket");
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = 0 };
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0) die("bind");
    if (listen(listener, 64) != 0) die("listen");
    socklen_t addr_len = sizeof addr;
    if (getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0) die("getsockname");

    int epfd = epoll_create1(0);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event ev = { .events = EPOLLIN, .data.u32 = 0 };
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) != 0) die("epoll_ctl listener");
    /* stdin: end of file means the harness is gone. u32 = MAX_CONNECTIONS + 1 marks it. */
    struct epoll_event in_ev = { .events = EPOLLIN, .data.u32 = MAX_CONNECTIONS + 1 };
    int watch_stdin = epoll_ctl(epfd, EPOLL_CTL_ADD, STDIN_FILENO, &in_ev) == 0;

    printf("port %d\n", ntohs(addr.sin_port));
    fflush(stdout);

    double deadline = now_seconds() + max_seconds;
    struct epoll_event events[MAX_EVENTS];
    /* Bounded by time (max_seconds, checked at least once a second) and by count. */
    for (long long rounds = 0; !stop && rounds < 4000000000LL; rounds++) {
        if (now_seconds() > deadline) break;
        int n = epoll_wait(epfd, events, MAX_EVENTS, 1000);
        if (n < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            uint32_t tag = events[i].data.u32;
            if (tag == MAX_CONNECTIONS + 1) {
                char sink[256];
                ssize_t r = read(STDIN_FILENO, sink, sizeof sink);
                if (r <= 0) stop = 1;
                continue;
            }
            if (tag == 0) {
                int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK);
                if (fd < 0) continue;
                int slot = -1;
                for (int s = 0; s < MAX_CONNECTIONS; s++) {
                    if (connections[s] == NULL) { slot = s; break; }
                }
                if (slot < 0) { close(fd); continue; }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                struct connection *c = calloc(1, sizeof *c);
                if (c == NULL) die("calloc");
                c->fd = fd;
                connections[slot] = c;
                struct epoll_event cev = { .events = EPOLLIN, .data.u32 = (uint32_t)slot + 1 };
                if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &cev) != 0) { close(fd); free(c); connections[slot] = NULL; }
                continue;
            }
            int slot = (int)tag - 1;
            if (connections[slot] == NULL) continue;
            int failed = 0;
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) failed = read_requests(slot) < 0;
            if (!failed) failed = flush_responses(epfd, slot) < 0;
            if (failed) close_connection(epfd, slot);
        }
    }
    (void)watch_stdin;
    for (int s = 0; s < MAX_CONNECTIONS; s++) {
        if (connections[s] != NULL) close_connection(epfd, s);
    }
    close(listener);
    close(epfd);
    return 0;
}
