/*
 * Money without floating point: amounts are integer minor units (cents)
 * in C and decimal strings on the wire and in PostgreSQL (contract §4).
 */
#ifndef INNKEEP_MONEY_H
#define INNKEEP_MONEY_H

enum money_err {
	MONEY_OK = 0,
	MONEY_SYNTAX,		/* not digits with at most 2 decimals */
	MONEY_RANGE		/* more than max_cents */
};

/*
 * "120", "120.5", "120.50", "0.99" → cents.  No sign, no exponent, no
 * blanks, no thousands separators, at least one digit before the point
 * and one after it when there is a point.  Values over max_cents are
 * MONEY_RANGE (checked without overflow, whatever the length); a string
 * that is both malformed and too large is MONEY_SYNTAX.  *cents is set
 * only on MONEY_OK.
 */
enum money_err	 money_parse(const char *s, long long max_cents,
		    long long *cents);
/* "120.50", "-0.05" into out (24 bytes is always enough). */
void		 money_format(long long cents, char out[24]);

#endif
