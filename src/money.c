/*
 * Money as integer cents (see money.h).  Pure: parsing reads the string
 * twice, once for its shape and once for its value, so that a malformed
 * amount is a syntax error however large it is.
 */
#include "config.h"

#include <stdio.h>

#include "money.h"

static int
isdig(char c)
{
	/* Not isdigit(): the locale must not widen what a digit is. */
	return c >= '0' && c <= '9';
}

/*
 * v = v * 10 + c unless that would pass max (>= 0): -1 then.  v only
 * grows digit by digit, so once a step passes max the amount does too,
 * and stopping there keeps v * 10 from ever overflowing.
 */
static int
push_digit(long long *v, int c, long long max)
{
	if (*v > max / 10 || (*v == max / 10 && c > max % 10))
		return -1;
	*v = *v * 10 + c;
	return 0;
}

enum money_err
money_parse(const char *s, long long max_cents, long long *cents)
{
	const char	*p, *frac = NULL;
	long long	 v = 0;
	size_t		 nfrac = 0, i;
	int		 c;

	/* The shape: digits, then optionally a point and 1 or 2 digits. */
	if (s == NULL || !isdig(*s))
		return MONEY_SYNTAX;
	for (p = s; isdig(*p); p++)
		continue;
	if (*p == '.') {
		frac = ++p;
		for (; isdig(*p); p++)
			nfrac++;
		if (nfrac < 1 || nfrac > 2)
			return MONEY_SYNTAX;
	}
	if (*p != '\0')
		return MONEY_SYNTAX;
	if (max_cents < 0)
		return MONEY_RANGE;

	/* The value: the whole digits, then two decimals padded with 0. */
	for (p = s; isdig(*p); p++)
		if (push_digit(&v, *p - '0', max_cents) == -1)
			return MONEY_RANGE;
	for (i = 0; i < 2; i++) {
		c = i < nfrac ? frac[i] - '0' : 0;
		if (push_digit(&v, c, max_cents) == -1)
			return MONEY_RANGE;
	}
	*cents = v;
	return MONEY_OK;
}

void
money_format(long long cents, char out[24])
{
	unsigned long long	 u;

	/* Through unsigned, so that even LLONG_MIN has a magnitude. */
	u = cents < 0 ? -(unsigned long long)cents : (unsigned long long)cents;
	snprintf(out, 24, "%s%llu.%02llu", cents < 0 ? "-" : "", u / 100,
	    u % 100);
}
