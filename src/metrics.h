/*
 * Process metrics for /metrics, in the Prometheus text format: requests by
 * route, method and status; a latency histogram by route; requests in
 * flight; database re-connections.  Lock-free: relaxed atomic counters
 * that threads bump and the exporter reads.
 */
#ifndef INNKEEP_METRICS_H
#define INNKEEP_METRICS_H

#include <stddef.h>

#include "req.h"

struct buf;

/* names[i] labels route i; index nroutes is "unmatched". */
void	metrics_init(const char *const *names, size_t nroutes);
void	metrics_request_start(void);
void	metrics_request_end(size_t route, enum req_method, int status,
	    double seconds);
void	metrics_format(struct buf *);

#endif
