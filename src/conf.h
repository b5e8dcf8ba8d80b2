/*
 * Configuration: one file of `key = value` lines, each key overridable by
 * the environment variable INNKEEP_ + the key in upper case (contract §6).
 * Read once at start-up; read-only once threads run.
 */
#ifndef INNKEEP_CONF_H
#define INNKEEP_CONF_H

#include <stddef.h>
#include <stdio.h>

#define CONF_DEFAULT_FILE INNKEEP_SYSCONFDIR "/innkeep/innkeep.conf"

struct conf {
	char	*database_url;
	char	*listen;
	int	 threads;
	char	*templates_dir;
	char	*sql_dir;
	char	*static_dir;
	char	*base_url;
	int	 secure_cookies;
	size_t	 max_body_bytes;
	char	*payment_gateway;
	char	*smtp_url;		/* NULL: no e-mail */
	char	*mail_from;
	int	 test_routes;		/* enables /_test/echo; never in production */
};

/*
 * Fills conf from defaults, then the file, then the environment.  path is
 * the -c argument, or NULL for the default file, which may be missing.
 * On error returns -1 with one line (no newline) in err, naming the key or
 * the file and line.
 */
int	conf_load(struct conf *, const char *path, char *err, size_t errsz);
/* Applies one key; -1 with a message in err for an unknown key or value. */
int	conf_set(struct conf *, const char *key, const char *value,
	    char *err, size_t errsz);
void	conf_defaults(struct conf *);
void	conf_free(struct conf *);
/* Prints the effective configuration, secrets masked, one key a line. */
void	conf_print(const struct conf *, FILE *);

#endif
