/*
 * The FastCGI server (see server.h).
 *
 * Shutdown: the main thread waits for SIGTERM/SIGINT with sigwait().  It
 * then sets `stopping` and, every few milliseconds until all workers have
 * left, sends SIGUSR1 to the workers that are idle (inside FCGX_Accept_r,
 * whether blocked in accept() or waiting on a kept-alive connection).  The
 * handler does nothing; the signal only interrupts the blocking call, and
 * FCGI_FAIL_ACCEPT_ON_INTR makes FCGX_Accept_r return.  A worker busy with
 * a request is never signalled, so it finishes its response first.  This
 * leaves a listening socket handed over by systemd untouched, so the next
 * process finds it, with its queued connections, intact.
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>
#include <libxml/parser.h>
#include <sodium.h>

#include "app.h"
#include "arena.h"
#include "auth.h"
#include "conf.h"
#include "db.h"
#include "log.h"
#include "metrics.h"
#include "migrate.h"
#include "server.h"
#include "tmpl.h"
#include "view.h"

#define ARENA_BLOCK	(64 * 1024)
#define DRAIN_CHUNK	8192
#define STOP_GRACE_S	30
#define LISTEN_BACKLOG	1024
/*
 * How long a kept-alive FastCGI connection may sit idle holding a thread.
 * Each idle connection that nginx keeps (keepalive, fastcgi_keep_conn)
 * pins one libfcgi thread; if nginx keeps more than there are threads,
 * new requests would wait for nginx's keepalive_timeout.  Closing idle
 * connections after this bounds that wait whatever the settings; nginx
 * notices the close on the idle connection and drops it from its cache.
 */
#define KEEP_IDLE_S	2

struct worker {
	pthread_t	 tid;
	int		 index;
	int		 listen_fd;
	struct app	*app;
	pthread_mutex_t	 mu;		/* guards idle */
	int		 idle;		/* inside FCGX_Accept_r */
	atomic_int	 done;
};

static atomic_int	 stopping;

static double
now_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
on_wake(int sig)
{
	(void)sig;
}

/* Writes all of p; -1 when the client went away. */
static int
put_all(FCGX_Stream *out, const char *p, size_t n)
{
	int	 chunk, w;

	while (n > 0) {
		chunk = n > 65536 ? 65536 : (int)n;
		if ((w = FCGX_PutStr(p, chunk, out)) != chunk)
			return -1;
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

/*
 * Reads the body into the arena.  nginx sends CONTENT_LENGTH (it buffers
 * chunked bodies), so the size is known before reading.  Over the limit,
 * nothing is read and the request is answered 413.
 */
static enum req_err
read_body(struct req *r, FCGX_Request *fr, size_t max)
{
	const char	*cl = r->content_length;
	unsigned long long n = 0;
	char		*end, *body;
	size_t		 got = 0;
	int		 rd;

	if (cl == NULL || *cl == '\0')
		return REQ_OK;
	errno = 0;
	n = strtoull(cl, &end, 10);
	if (errno != 0 || *end != '\0' || cl[0] == '-')
		return REQ_MALFORMED;
	if (n == 0)
		return REQ_OK;
	if (n > max)
		return REQ_TOO_LARGE;
	body = arena_alloc(r->arena, (size_t)n + 1);
	while (got < n) {
		rd = FCGX_GetStr(body + got, (int)((size_t)n - got > 65536 ?
		    65536 : (size_t)n - got), fr->in);
		if (rd <= 0)
			break;
		got += (size_t)rd;
	}
	body[got] = '\0';
	r->body = body;
	r->body_len = got;
	return got == n ? REQ_OK : REQ_MALFORMED;
}

/* Reads what is left of STDIN so a kept connection stays in step. */
static void
drain(FCGX_Request *fr)
{
	char	 scratch[DRAIN_CHUNK];

	while (FCGX_GetStr(scratch, sizeof(scratch), fr->in) > 0)
		continue;
}

static void
serve_one(struct worker *w, struct db *db, struct arena *a, FCGX_Request *fr)
{
	struct req	 req;
	struct resp	 resp;
	struct buf	 head;
	const char	*why = NULL;
	enum req_err	 e, body_err = REQ_OK;
	size_t		 route = app_nroutes();
	double		 t0 = now_s();

	metrics_request_start();
	view_bind(a);
	resp_init(&resp, a);
	e = app_req_from_env(&req, a, fr->envp, &why);
	if (e == REQ_OK)
		body_err = read_body(&req, fr, w->app->conf->max_body_bytes);
	if (e != REQ_OK || body_err == REQ_MALFORMED) {
		resp_error(&resp, req.want_json, 400, NULL,
		    why ? why : "malformed request", NULL);
	} else
		route = app_handle(w->app, db, &req, body_err, &resp);
	if (resp.status >= 500)
		log_msg(req.request_id, "%s %s answered %d", req.method_name,
		    req.path, resp.status);
	app_finish(&req, &resp);
	buf_init(&head, a, 512);
	resp_format_head(&resp, &head);
	/* A client that went away costs this response and nothing else. */
	if (put_all(fr->out, head.data, head.len) == 0 &&
	    req.method != METHOD_HEAD)
		(void)put_all(fr->out, resp.body.data, resp.body.len);
	drain(fr);
	metrics_request_end(route, req.method, resp.status, now_s() - t0);
	log_request(req.request_id, req.method_name, req.path, resp.status,
	    resp.body.len, now_s() - t0);
	view_bind(NULL);
	arena_reset(a);
}

/* The next request on a kept connection must come within KEEP_IDLE_S. */
static void
keep_idle_limit(int fd)
{
	struct timeval	 tv = { KEEP_IDLE_S, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

static void
set_idle(struct worker *w, int idle)
{
	pthread_mutex_lock(&w->mu);
	w->idle = idle;
	pthread_mutex_unlock(&w->mu);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	FCGX_Request	 fr;
	struct arena	*a;
	struct db	*db;
	sigset_t	 set;

	/* SIGUSR1 is how the main thread interrupts an idle accept. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);

	a = arena_new(ARENA_BLOCK);
	/*
	 * The connection opens on first use: with nginx keeping connections
	 * alive, threads outnumber busy requests, and a thread that only
	 * answers /healthz never needs one.
	 */
	db = db_new(w->app->conf->database_url);
	if (FCGX_InitRequest(&fr, w->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR) != 0)
		goto out;
	for (;;) {
		set_idle(w, 1);
		if (atomic_load(&stopping)) {
			set_idle(w, 0);
			break;
		}
		if (FCGX_Accept_r(&fr) < 0) {
			set_idle(w, 0);
			if (atomic_load(&stopping))
				break;
			/* EINTR from a stray signal, or a bad connection. */
			continue;
		}
		set_idle(w, 0);
		if (fr.keepConnection)
			keep_idle_limit(fr.ipcFd);
		serve_one(w, db, a, &fr);
		FCGX_Finish_r(&fr);
	}
	FCGX_Free(&fr, 1);
out:
	db_free(db);
	arena_free(a);
	atomic_store(&w->done, 1);
	return NULL;
}

/* 1 when something accepts connections on the unix socket at path. */
static int
unix_socket_live(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd, live;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;
	memcpy(sun.sun_path, path, strlen(path));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	live = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
	close(fd);
	return live;
}

/* Binds and listens on a unix socket path; -1 (logged) on failure. */
static int
listen_unix(const char *path)
{
	struct sockaddr_un	 sun;
	struct stat		 st;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_msg(NULL, "could not listen on %s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path));
	/*
	 * A stale socket from a crash would make bind fail: remove it, but
	 * never the socket of a server that still answers.
	 */
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
		if (unix_socket_live(path)) {
			log_msg(NULL, "could not listen on %s: another server "
			    "is listening there", path);
			return -1;
		}
		unlink(path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, LISTEN_BACKLOG) == -1) {
		log_msg(NULL, "could not listen on %s: %s", path,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* HOST:PORT, with [v6] hosts; -1 (logged) on failure. */
static int
listen_tcp(const char *spec)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256];
	const char	*colon = strrchr(spec, ':'), *h = host;
	size_t		 hlen = (size_t)(colon - spec);
	int		 fd = -1, one = 1, rc, err = 0;

	if (hlen >= sizeof(host)) {
		log_msg(NULL, "could not listen on %s: host name too long",
		    spec);
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']') {
		host[hlen - 1] = '\0';
		h = host + 1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(h, colon + 1, &hints, &res)) != 0) {
		log_msg(NULL, "could not listen on %s: %s", spec,
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			err = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one,
		    sizeof(one));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, LISTEN_BACKLOG) == 0)
			break;
		err = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		log_msg(NULL, "could not listen on %s: %s", spec,
		    strerror(err));
	return fd;
}

/*
 * The listening socket: handed over on fd 0 (spawn-fcgi, systemd with
 * StandardInput=socket) or fd 3 (systemd LISTEN_FDS), else our own.  Our
 * own is opened here rather than by FCGX_OpenSocket, which exits the
 * process with errno as its status when bind fails.
 */
static int
open_listener(const struct conf *c, int *owned, const char **what)
{
	const char	*pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
	socklen_t	 len;
	int		 acc = 0, fd;

	*owned = 0;
	*what = "the socket on fd 0";
	len = sizeof(acc);
	if (getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 && acc)
		return 0;
	*what = "the socket from systemd";
	if (pid != NULL && fds != NULL && atol(pid) == (long)getpid() &&
	    atoi(fds) >= 1) {
		len = sizeof(acc);
		if (getsockopt(3, SOL_SOCKET, SO_ACCEPTCONN, &acc, &len) == 0 &&
		    acc)
			return 3;
	}
	*what = c->listen;
	if (strncmp(c->listen, "unix:", 5) == 0) {
		/* The socket's mode comes from the umask: the caller decides. */
		if ((fd = listen_unix(c->listen + 5)) != -1)
			*owned = 1;
		return fd;
	}
	return listen_tcp(c->listen);
}

int
server_run(const struct conf *c)
{
	struct app		 app;
	struct migrations	 m;
	struct worker		*w;
	struct sigaction	 sa;
	sigset_t		 set;
	char			 err[512];
	const char		*what;
	double			 deadline;
	int			 fd, owned, sig, i, alive, rc = 0;
	struct timespec		 tick = { 0, 20 * 1000 * 1000 };

	memset(&app, 0, sizeof(app));
	app.conf = c;
	xmlInitParser();
	if ((app.tmpls = tmpl_load(c->templates_dir, err, sizeof(err))) ==
	    NULL) {
		log_msg(NULL, "%s", err);
		return 1;
	}
	if (migrate_scan(c->sql_dir, &m, err, sizeof(err)) == -1) {
		log_msg(NULL, "%s", err);
		return 1;
	}
	app.migrations = migrate_array_literal(&m);
	app.nmigrations = m.n;
	migrate_free(&m);

	/* Libraries with global state: once, before any thread. */
	if (sodium_init() < 0) {
		log_msg(NULL, "could not initialise libsodium");
		return 1;
	}
	view_init();
	app_init();
	metrics_init(app_route_names(), app_nroutes());
	if (auth_init() == -1) {
		log_msg(NULL, "could not make the decoy password hash");
		return 1;
	}
	srandom((unsigned)randombytes_random());
	if (FCGX_Init() != 0) {
		log_msg(NULL, "could not initialise libfcgi");
		return 1;
	}

	signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_wake;	/* no SA_RESTART: interrupt accept() */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	/* Workers inherit this mask: only the main thread takes these. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if ((fd = open_listener(c, &owned, &what)) < 0)
		return 1;
	if ((w = calloc((size_t)c->threads, sizeof(*w))) == NULL)
		abort();
	for (i = 0; i < c->threads; i++) {
		w[i].index = i;
		w[i].listen_fd = fd;
		w[i].app = &app;
		pthread_mutex_init(&w[i].mu, NULL);
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0) {
			log_msg(NULL, "could not start thread %d", i);
			abort();
		}
	}
	log_msg(NULL, "serving on %s with %d threads", what, c->threads);

	sigdelset(&set, SIGUSR1);
	do {
		if (sigwait(&set, &sig) != 0)
			sig = SIGTERM;
		/* SIGHUP: nothing to reload yet; keep serving. */
	} while (sig == SIGHUP);
	log_msg(NULL, "%s: finishing requests in flight",
	    sig == SIGINT ? "SIGINT" : "SIGTERM");
	atomic_store(&stopping, 1);
	atomic_store(&app.stopping, 1);

	deadline = now_s() + STOP_GRACE_S;
	for (;;) {
		alive = 0;
		for (i = 0; i < c->threads; i++) {
			if (atomic_load(&w[i].done))
				continue;
			alive++;
			pthread_mutex_lock(&w[i].mu);
			if (w[i].idle)
				pthread_kill(w[i].tid, SIGUSR1);
			pthread_mutex_unlock(&w[i].mu);
		}
		if (alive == 0)
			break;
		if (now_s() > deadline) {
			log_msg(NULL, "%d requests still running after %d s; "
			    "exiting", alive, STOP_GRACE_S);
			rc = 1;
			goto out;
		}
		nanosleep(&tick, NULL);
	}
	for (i = 0; i < c->threads; i++)
		pthread_join(w[i].tid, NULL);
	log_msg(NULL, "stopped");
	for (i = 0; i < c->threads; i++)
		pthread_mutex_destroy(&w[i].mu);
	free(w);
out:
	if (owned)
		unlink(c->listen + 5);
	free(app.migrations);
	tmpl_free((struct tmpl_set *)app.tmpls);
	return rc;
}
