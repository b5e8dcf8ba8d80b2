/*
 * Metrics (see metrics.h).  The tables are sized once at start-up, before
 * threads run, and never move.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "db.h"
#include "metrics.h"

static const int status_list[] = {
	200, 201, 202, 204, 301, 302, 303, 304, 400, 401, 403, 404, 405,
	409, 413, 415, 422, 429, 500, 502, 503
};
#define NSTATUS (sizeof(status_list) / sizeof(status_list[0]) + 1)

static const double buckets[] = {
	0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10
};
#define NBUCKET (sizeof(buckets) / sizeof(buckets[0]))

struct route_hist {
	atomic_ulong	 bucket[NBUCKET];	/* cumulative at export */
	atomic_ulong	 count;
	atomic_ullong	 sum_us;
};

static const char *const *route_names;
static size_t		  nroute;		/* plus one: unmatched */
/* Routes sharing a pattern (GET and POST of one path) share a series. */
static size_t		 *slot;
static atomic_ulong	 *requests;		/* [route][method][status] */
static struct route_hist *hist;
static atomic_long	  in_flight;

void
metrics_init(const char *const *names, size_t n)
{
	size_t	 i, j;

	route_names = names;
	nroute = n + 1;
	if ((slot = calloc(nroute, sizeof(*slot))) == NULL)
		abort();
	for (i = 0; i < n; i++)
		for (slot[i] = i, j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				slot[i] = slot[j];
				break;
			}
	slot[n] = n;
	requests = calloc(nroute * METHOD__MAX * NSTATUS, sizeof(*requests));
	hist = calloc(nroute, sizeof(*hist));
	if (requests == NULL || hist == NULL)
		abort();
}

static size_t
status_index(int status)
{
	size_t	 i;

	for (i = 0; i < NSTATUS - 1; i++)
		if (status_list[i] == status)
			return i;
	return NSTATUS - 1;
}

void
metrics_request_start(void)
{
	atomic_fetch_add_explicit(&in_flight, 1, memory_order_relaxed);
}

void
metrics_request_end(size_t route, enum req_method m, int status,
    double seconds)
{
	size_t	 i;

	atomic_fetch_sub_explicit(&in_flight, 1, memory_order_relaxed);
	if (requests == NULL)
		return;
	route = slot[route >= nroute ? nroute - 1 : route];
	if ((unsigned)m >= METHOD__MAX)
		m = METHOD_OTHER;
	atomic_fetch_add_explicit(&requests[(route * METHOD__MAX + m) *
	    NSTATUS + status_index(status)], 1, memory_order_relaxed);
	for (i = 0; i < NBUCKET; i++)
		if (seconds <= buckets[i]) {
			atomic_fetch_add_explicit(&hist[route].bucket[i], 1,
			    memory_order_relaxed);
			break;
		}
	atomic_fetch_add_explicit(&hist[route].count, 1,
	    memory_order_relaxed);
	atomic_fetch_add_explicit(&hist[route].sum_us,
	    (unsigned long long)(seconds * 1e6), memory_order_relaxed);
}

static const char *
route_label(size_t r)
{
	return r + 1 == nroute ? "unmatched" : route_names[r];
}

void
metrics_format(struct buf *b)
{
	unsigned long	 v, cum;
	size_t		 r, s, i;
	int		 m;

	buf_puts(b, "# HELP innkeep_requests_total Requests answered, by "
	    "route pattern, method and status.\n"
	    "# TYPE innkeep_requests_total counter\n");
	for (r = 0; r < nroute; r++)
		for (m = 0; m < METHOD__MAX; m++)
			for (s = 0; s < NSTATUS; s++) {
				v = atomic_load_explicit(&requests[(r *
				    METHOD__MAX + (size_t)m) * NSTATUS + s],
				    memory_order_relaxed);
				if (v == 0)
					continue;
				buf_printf(b, "innkeep_requests_total{route="
				    "\"%s\",method=\"%s\",status=\"",
				    route_label(r),
				    req_method_name((enum req_method)m));
				if (s == NSTATUS - 1)
					buf_puts(b, "other");
				else
					buf_printf(b, "%d", status_list[s]);
				buf_printf(b, "\"} %lu\n", v);
			}
	buf_puts(b, "# HELP innkeep_request_duration_seconds Time from "
	    "request start to response sent.\n"
	    "# TYPE innkeep_request_duration_seconds histogram\n");
	for (r = 0; r < nroute; r++) {
		v = atomic_load_explicit(&hist[r].count, memory_order_relaxed);
		if (v == 0)
			continue;
		for (cum = 0, i = 0; i < NBUCKET; i++) {
			cum += atomic_load_explicit(&hist[r].bucket[i],
			    memory_order_relaxed);
			buf_printf(b, "innkeep_request_duration_seconds_bucket"
			    "{route=\"%s\",le=\"%g\"} %lu\n",
			    route_label(r), buckets[i], cum);
		}
		/* Requests ending while we read: keep the series monotonic. */
		if (v < cum)
			v = cum;
		buf_printf(b, "innkeep_request_duration_seconds_bucket"
		    "{route=\"%s\",le=\"+Inf\"} %lu\n", route_label(r), v);
		buf_printf(b, "innkeep_request_duration_seconds_sum"
		    "{route=\"%s\"} %.6f\n", route_label(r),
		    (double)atomic_load_explicit(&hist[r].sum_us,
		    memory_order_relaxed) / 1e6);
		buf_printf(b, "innkeep_request_duration_seconds_count"
		    "{route=\"%s\"} %lu\n", route_label(r), v);
	}
	buf_printf(b, "# HELP innkeep_requests_in_flight Requests being "
	    "served now.\n# TYPE innkeep_requests_in_flight gauge\n"
	    "innkeep_requests_in_flight %ld\n",
	    atomic_load_explicit(&in_flight, memory_order_relaxed));
	buf_printf(b, "# HELP innkeep_db_reconnects_total Database "
	    "connections re-opened after a failure.\n"
	    "# TYPE innkeep_db_reconnects_total counter\n"
	    "innkeep_db_reconnects_total %lu\n", db_reconnects());
}
