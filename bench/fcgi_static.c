/*
 * The floor of the FastCGI path for a page: a libfcgi program with
 * innkeep's thread pool shape that answers every request with the bytes of
 * one file (read once at start-up) as text/html, and does nothing else.
 * bench/home.sh and bench/healthz.sh run it beside innkeep with the bytes
 * of the home page or of /healthz, so the figures separate what innkeep
 * costs from what nginx + libfcgi cost for a body of the same size.
 *
 *   fcgi_static SOCKET THREADS FILE
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static int	 sock;
static char	*resp;		/* the head and the body, one write */
static size_t	 resplen;

static void *
serve(void *arg)
{
	FCGX_Request	 r;

	(void)arg;
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) == 0) {
		FCGX_PutStr(resp, (int)resplen, r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

/* The whole file, or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*p = NULL;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 &&
	    fseek(f, 0, SEEK_SET) == 0 &&
	    (p = malloc((size_t)n + 1)) != NULL &&
	    fread(p, 1, (size_t)n, f) == (size_t)n) {
		*len = (size_t)n;
		fclose(f);
		return p;
	}
	free(p);
	fclose(f);
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	*t;
	sigset_t	 set;
	char		 head[256], *body;
	size_t		 bodylen, headlen;
	int		 i, n, sig;

	if (argc != 4) {
		fprintf(stderr, "usage: fcgi_static SOCKET THREADS FILE\n");
		return 2;
	}
	n = atoi(argv[2]);
	if ((body = slurp(argv[3], &bodylen)) == NULL) {
		perror(argv[3]);
		return 1;
	}
	headlen = (size_t)snprintf(head, sizeof(head), "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n\r\n", bodylen);
	if ((resp = malloc(headlen + bodylen)) == NULL)
		return 1;
	memcpy(resp, head, headlen);
	memcpy(resp + headlen, body, bodylen);
	resplen = headlen + bodylen;
	free(body);

	FCGX_Init();
	if (n < 1 || (sock = FCGX_OpenSocket(argv[1], 1024)) < 0)
		return 1;
	if ((t = calloc((size_t)n, sizeof(*t))) == NULL)
		return 1;
	/* Threads inherit the mask: SIGTERM comes to sigwait() below. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	for (i = 0; i < n; i++)
		pthread_create(&t[i], NULL, serve, NULL);
	sigwait(&set, &sig);
	unlink(argv[1]);
	return 0;
}
