/*
 * Logging: lines on stderr, for journald.  Control characters and
 * non-ASCII bytes in logged values are escaped, so a client cannot forge
 * log lines.  Secrets are never passed here.
 */
#ifndef INNKEEP_LOG_H
#define INNKEEP_LOG_H

#include <stddef.h>

/* "innkeep: ..." with printf formatting; request_id may be NULL. */
void	log_msg(const char *request_id, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The access line: one per request. */
void	log_request(const char *request_id, const char *method,
	    const char *path, int status, size_t bytes, double seconds);
/*
 * Copies s into dst (size n) escaping control characters, backslash and
 * double quote as \xNN; trailing newlines and spaces are dropped.
 */
void	log_escape(char *dst, size_t n, const char *s);

#endif
