/*
 * Log lines (see log.h).  Each line is formatted into one buffer and
 * written with one write(2), so lines from threads never interleave.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

void
log_escape(char *dst, size_t n, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	size_t			 o = 0, len = strlen(s);
	unsigned char		 ch;

	if (n == 0)
		return;
	/* libpq's messages end in a newline: the log line has its own. */
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	for (; len > 0 && o + 5 < n; s++, len--) {
		ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f || ch == '\\' || ch == '"') {
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[ch >> 4];
			dst[o++] = hex[ch & 15];
		} else
			dst[o++] = (char)ch;
	}
	dst[o] = '\0';
}

/* Writes a formatted line of n bytes (snprintf's answer) in one call. */
static void
log_write(char *line, size_t size, int n)
{
	ssize_t	 w;
	size_t	 len;

	if (n < 0)
		return;
	len = (size_t)n;
	if (len >= size) {
		/* Cut to the buffer, keeping the line a line. */
		len = size - 1;
		line[len - 1] = '\n';
	}

	while (len > 0) {
		if ((w = write(STDERR_FILENO, line, len)) <= 0)
			return;
		line += w;
		len -= (size_t)w;
	}
}

void
log_msg(const char *request_id, const char *fmt, ...)
{
	char	 msg[1024], line[1200];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (request_id != NULL)
		n = snprintf(line, sizeof(line), "innkeep: [%s] %s\n",
		    request_id, msg);
	else
		n = snprintf(line, sizeof(line), "innkeep: %s\n", msg);
	log_write(line, sizeof(line), n);
}

void
log_request(const char *request_id, const char *method, const char *path,
    int status, size_t bytes, double seconds)
{
	char	 m[32], p[512], line[700];
	int	 n;

	log_escape(m, sizeof(m), method);
	log_escape(p, sizeof(p), path);
	n = snprintf(line, sizeof(line),
	    "innkeep: request_id=%s method=%s path=\"%s\" status=%d "
	    "bytes=%zu duration_ms=%.3f\n", request_id ? request_id : "-",
	    m, p, status, bytes, seconds * 1000.0);
	log_write(line, sizeof(line), n);
}
