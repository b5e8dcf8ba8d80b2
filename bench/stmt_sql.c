/*
 * bench/stmt_sql.c: print the SQL of innkeep's prepared statements, by name,
 * exactly as src/db_stmt.c hands them to PQprepare, so that a benchmark can
 * run the same statement through pgbench. bench/properties.sh builds it
 * against src/db_stmt.c and the config.h of build-bench/.
 *
 *   stmt_sql NAME...      one statement per line (they hold no newline)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "db.h"

int
main(int argc, char *argv[])
{
	int	 i, s;

	for (i = 1; i < argc; i++) {
		for (s = 0; s < STMT__MAX; s++)
			if (db_stmts[s].name != NULL &&
			    strcmp(db_stmts[s].name, argv[i]) == 0)
				break;
		if (s == STMT__MAX) {
			fprintf(stderr, "stmt_sql: no statement named %s\n",
			    argv[i]);
			return 1;
		}
		if (strchr(db_stmts[s].sql, '\n') != NULL) {
			fprintf(stderr, "stmt_sql: %s holds a newline\n",
			    argv[i]);
			return 1;
		}
		printf("%s\n", db_stmts[s].sql);
	}
	return 0;
}
