/*
 * Fields: the checks every form and JSON body shares (required, length in
 * characters, blank) with the contract's 422 messages, and the readable
 * dates pages add beside timestamps.
 */
#ifndef INNKEEP_FIELD_H
#define INNKEEP_FIELD_H

#include <stddef.h>
#include <jansson.h>

struct arena;
struct ctx;

/* Characters (code points) of valid UTF-8. */
size_t		 field_chars(const char *);
/* Nothing but blanks (or empty). */
int		 field_blank(const char *);
/* A whole number lo..hi (at most 6 digits, nothing else); -1 otherwise. */
long		 field_whole(const char *, long lo, long hi);
/* The parameter, or NULL and "is required" in errs when missing or empty. */
const char	*field_required(struct ctx *, json_t *errs, const char *name);
/* "must be at most N characters" in errs when v is longer. */
void		 field_length(json_t *errs, const char *name, const char *v,
		    size_t max);
/* "22 November 2026" from an RFC 3339 timestamp (or the text itself). */
const char	*field_date_human(struct arena *, const char *ts);
/* HTML only: o[key_on] = the readable date of o[key]. */
void		 field_add_date(struct ctx *, json_t *o, const char *key,
		    const char *key_on);

#endif
