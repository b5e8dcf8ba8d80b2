/*
 * Schema migrations: sql/NNNN_name.sql files applied in order, each in its
 * own transaction together with its row in schema_migrations, so a file is
 * either applied and recorded or not applied at all.
 */
#ifndef INNKEEP_MIGRATE_H
#define INNKEEP_MIGRATE_H

#include <stddef.h>

struct migrations {
	char	**version;	/* "0001_users", sorted */
	size_t	  n;
};

/* Lists the migrations of a directory; -1 with a message in err. */
int	migrate_scan(const char *dir, struct migrations *, char *err,
	    size_t errsz);
void	migrate_free(struct migrations *);
/* The array literal {v1,v2,...} of the versions, malloc'ed. */
char	*migrate_array_literal(const struct migrations *);
/* Applies what is pending; returns the exit status (0 or 1). */
int	migrate_run(const char *conninfo, const char *dir);

#endif
