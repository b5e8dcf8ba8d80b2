/*
 * innkeep: the command line (contract §6).  Exit status 0 on success, 1 on
 * a runtime failure, 2 on a usage or configuration error, each failure
 * with one line on stderr.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "migrate.h"
#include "server.h"
#include "tmpl.h"

#include <libxml/parser.h>

static void
usage(void)
{
	fprintf(stderr, "usage: innkeep [-c FILE] serve | worker | migrate | "
	    "check-config | version\n");
}

static int
dir_ok(const char *key, const char *dir)
{
	struct stat	 st;

	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "innkeep: %s: \"%s\" is not a directory\n",
		    key, dir);
		return 0;
	}
	return 1;
}

int
main(int argc, char *argv[])
{
	struct conf	 c;
	struct tmpl_set	*t;
	const char	*file = NULL, *cmd;
	char		 err[1024];
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "c:h")) != -1) {
		switch (ch) {
		case 'c':
			file = optarg;
			break;
		default:
			usage();
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 1) {
		usage();
		return 2;
	}
	cmd = argv[0];
	if (strcmp(cmd, "version") == 0) {
		printf("%s %s\n", PACKAGE_NAME, PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(cmd, "serve") != 0 && strcmp(cmd, "migrate") != 0 &&
	    strcmp(cmd, "check-config") != 0) {
		if (strcmp(cmd, "worker") == 0)
			fprintf(stderr, "innkeep: worker: the job runner is "
			    "not part of this version yet\n");
		else
			usage();
		return 2;
	}
	if (conf_load(&c, file, err, sizeof(err)) == -1) {
		fprintf(stderr, "innkeep: %s\n", err);
		conf_free(&c);
		return 2;
	}
	if (!dir_ok("sql_dir", c.sql_dir) ||
	    (strcmp(cmd, "migrate") != 0 &&
	    !dir_ok("templates_dir", c.templates_dir))) {
		conf_free(&c);
		return 2;
	}
	if (strcmp(cmd, "check-config") == 0) {
		/* The templates too: a broken one would stop serve. */
		xmlInitParser();
		if ((t = tmpl_load(c.templates_dir, err, sizeof(err))) ==
		    NULL) {
			fprintf(stderr, "innkeep: %s\n", err);
			conf_free(&c);
			return 1;
		}
		tmpl_free(t);
		printf("innkeep: configuration ok\n");
		conf_print(&c, stdout);
		rc = 0;
	} else if (strcmp(cmd, "migrate") == 0)
		rc = migrate_run(c.database_url, c.sql_dir);
	else
		rc = server_run(&c);
	conf_free(&c);
	return rc;
}
