/*
 * The floor of the FastCGI path: a libfcgi program with innkeep's thread
 * pool shape that answers every request with the bytes of /healthz and
 * does nothing else.  bench/healthz.sh runs it beside innkeep, so the
 * figures separate what innkeep costs from what nginx + libfcgi cost.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <fcgiapp.h>

static int	 sock;

static void *
serve(void *arg)
{
	static const char	 resp[] = "Status: 200 OK\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: 3\r\n\r\nok\n";
	FCGX_Request		 r;

	(void)arg;
	FCGX_InitRequest(&r, sock, 0);
	while (FCGX_Accept_r(&r) == 0) {
		FCGX_PutStr(resp, sizeof(resp) - 1, r.out);
		FCGX_Finish_r(&r);
	}
	return NULL;
}

int
main(int argc, char *argv[])
{
	pthread_t	*t;
	sigset_t	 set;
	int		 i, n, sig;

	if (argc != 3) {
		fprintf(stderr, "usage: fcgi_hello SOCKET THREADS\n");
		return 2;
	}
	n = atoi(argv[2]);
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
