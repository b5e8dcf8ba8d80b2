/*
 * Field checks shared by the handlers (docs/accounts.md, docs/properties.md).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "arena.h"
#include "field.h"
#include "view.h"

size_t
field_chars(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

int
field_blank(const char *s)
{
	return strspn(s, " \t\r\n") == strlen(s);
}

long
field_whole(const char *s, long lo, long hi)
{
	long	 v = 0;
	size_t	 i, n = strlen(s);

	if (n == 0 || n > 6 || strspn(s, "0123456789") != n)
		return -1;
	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v >= lo && v <= hi ? v : -1;
}

const char *
field_required(struct ctx *c, json_t *errs, const char *name)
{
	const char	*v = req_param(c->req, name);

	if (v == NULL || *v == '\0') {
		view_set_str(errs, name, "is required");
		return NULL;
	}
	return v;
}

void
field_length(json_t *errs, const char *name, const char *v, size_t max)
{
	char	 msg[64];

	if (v != NULL && field_chars(v) > max) {
		snprintf(msg, sizeof(msg), "must be at most %zu characters",
		    max);
		view_set_str(errs, name, msg);
	}
}

const char *
field_date_human(struct arena *a, const char *ts)
{
	static const char *const months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	int	 y, m, d;

	if (ts == NULL || sscanf(ts, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31)
		return ts;
	return arena_printf(a, "%d %s %d", d, months[m - 1], y);
}

void
field_add_date(struct ctx *c, json_t *o, const char *key, const char *key_on)
{
	const char	*ts = json_string_value(json_object_get(o, key));

	if (!c->req->want_json && ts != NULL)
		view_set_str(o, key_on, field_date_human(c->arena, ts));
}
