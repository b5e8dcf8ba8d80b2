/*
 * Configuration loading (see conf.h).  The file format is deliberately
 * small: `key = value`, `#` comments, blank lines; values are taken to the
 * end of the line with surrounding blanks trimmed.  Every value is checked
 * here, so a bad one stops start-up with one line naming the key.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"

enum conf_type {
	CONF_STRING,
	CONF_OPT_STRING,	/* may be empty: unset */
	CONF_THREADS,
	CONF_BOOL,
	CONF_SIZE,
	CONF_LISTEN,
	CONF_URL,
	CONF_GATEWAY
};

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	int		 secret;	/* masked by conf_print */
};

#define K(n, t, s) { #n, t, offsetof(struct conf, n), s }
static const struct conf_key keys[] = {
	K(database_url, CONF_STRING, 1),
	K(listen, CONF_LISTEN, 0),
	K(threads, CONF_THREADS, 0),
	K(templates_dir, CONF_STRING, 0),
	K(sql_dir, CONF_STRING, 0),
	K(static_dir, CONF_STRING, 0),
	K(base_url, CONF_URL, 0),
	K(secure_cookies, CONF_BOOL, 0),
	K(max_body_bytes, CONF_SIZE, 0),
	K(payment_gateway, CONF_GATEWAY, 0),
	K(smtp_url, CONF_OPT_STRING, 1),
	K(mail_from, CONF_OPT_STRING, 0),
	K(test_routes, CONF_BOOL, 0),
};
#undef K

#define NKEYS (sizeof(keys) / sizeof(keys[0]))
#define FIELD(c, k, type) ((type *)(void *)((char *)(c) + (k)->off))

static void
errf(char *err, size_t errsz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
errf(char *err, size_t errsz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

static char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL) {
		perror("innkeep");
		abort();
	}
	return p;
}

static void
set_string(char **slot, const char *v)
{
	free(*slot);
	*slot = v == NULL ? NULL : xstrdup(v);
}

void
conf_defaults(struct conf *c)
{
	long	 ncpu;

	memset(c, 0, sizeof(*c));
	set_string(&c->database_url, "postgresql:///innkeep");
	set_string(&c->listen, "unix:/run/innkeep/innkeep.sock");
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	c->threads = (ncpu > 0 && ncpu < 256 ? (int)ncpu : 1) * 2;
	set_string(&c->templates_dir, INNKEEP_DATADIR "/templates");
	set_string(&c->sql_dir, INNKEEP_DATADIR "/sql");
	set_string(&c->static_dir, INNKEEP_DATADIR "/static");
	set_string(&c->base_url, "http://localhost");
	c->secure_cookies = 0;
	c->max_body_bytes = 10485760;
	set_string(&c->payment_gateway, "sandbox");
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	for (i = 0; i < NKEYS; i++)
		if (keys[i].type == CONF_STRING ||
		    keys[i].type == CONF_OPT_STRING ||
		    keys[i].type == CONF_LISTEN ||
		    keys[i].type == CONF_URL ||
		    keys[i].type == CONF_GATEWAY)
			set_string(FIELD(c, &keys[i], char *), NULL);
}

static int
parse_long(const char *v, long long min, long long max, long long *out)
{
	char		*end;
	long long	 n;

	if (*v == '\0' || isspace((unsigned char)*v))
		return -1;
	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

static int
valid_listen(const char *v)
{
	const char	*colon;
	long long	 port;

	if (strncmp(v, "unix:", 5) == 0)
		return v[5] == '/' && strlen(v + 5) < 108;
	/* HOST:PORT, with an optional [v6] host; the port is required */
	if ((colon = strrchr(v, ':')) == NULL || colon == v)
		return 0;
	return parse_long(colon + 1, 1, 65535, &port) == 0;
}

int
conf_set(struct conf *c, const char *key, const char *v, char *err,
    size_t errsz)
{
	const struct conf_key	*k = NULL;
	long long		 n;
	size_t			 i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0)
			k = &keys[i];
	if (k == NULL) {
		errf(err, errsz, "unknown configuration key \"%s\"", key);
		return -1;
	}
	switch (k->type) {
	case CONF_STRING:
		if (*v == '\0') {
			errf(err, errsz, "%s: must not be empty", key);
			return -1;
		}
		set_string(FIELD(c, k, char *), v);
		break;
	case CONF_OPT_STRING:
		set_string(FIELD(c, k, char *), *v == '\0' ? NULL : v);
		break;
	case CONF_THREADS:
		if (parse_long(v, 1, 1024, &n) == -1) {
			errf(err, errsz, "%s: \"%s\" is not a number from 1 "
			    "to 1024", key, v);
			return -1;
		}
		*FIELD(c, k, int) = (int)n;
		break;
	case CONF_BOOL:
		if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0 ||
		    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
			*FIELD(c, k, int) = 1;
		else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0 ||
		    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
			*FIELD(c, k, int) = 0;
		else {
			errf(err, errsz, "%s: \"%s\" is not true or false",
			    key, v);
			return -1;
		}
		break;
	case CONF_SIZE:
		/* 1 KiB floor: below it no form fits; 1 GiB ceiling. */
		if (parse_long(v, 1024, 1073741824LL, &n) == -1) {
			errf(err, errsz, "%s: \"%s\" is not a byte count from "
			    "1024 to 1073741824", key, v);
			return -1;
		}
		*FIELD(c, k, size_t) = (size_t)n;
		break;
	case CONF_LISTEN:
		if (!valid_listen(v)) {
			errf(err, errsz, "%s: \"%s\" is neither "
			    "unix:/absolute/path nor HOST:PORT", key, v);
			return -1;
		}
		set_string(FIELD(c, k, char *), v);
		break;
	case CONF_URL:
		if (strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) {
			errf(err, errsz, "%s: \"%s\" is not an http:// or "
			    "https:// URL", key, v);
			return -1;
		}
		set_string(FIELD(c, k, char *), v);
		/* Links are built as base_url + "/path". */
		n = (long long)strlen(*FIELD(c, k, char *));
		while (n > 0 && (*FIELD(c, k, char *))[n - 1] == '/')
			(*FIELD(c, k, char *))[--n] = '\0';
		break;
	case CONF_GATEWAY:
		if (strcmp(v, "sandbox") != 0) {
			errf(err, errsz, "%s: \"%s\" is not a known gateway "
			    "(sandbox)", key, v);
			return -1;
		}
		set_string(FIELD(c, k, char *), v);
		break;
	}
	return 0;
}

static char *
trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

static int
conf_read_file(struct conf *c, const char *path, int must_exist,
    char *err, size_t errsz)
{
	FILE	*f;
	char	 line[4096], *p, *eq, *key, *val;
	char	 sub[512];
	int	 lineno = 0;

	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		errf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			errf(err, errsz, "%s:%d: line too long", path, lineno);
			goto fail;
		}
		p = trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if ((eq = strchr(p, '=')) == NULL) {
			errf(err, errsz, "%s:%d: expected key = value", path,
			    lineno);
			goto fail;
		}
		*eq = '\0';
		key = trim(p);
		val = trim(eq + 1);
		if (conf_set(c, key, val, sub, sizeof(sub)) == -1) {
			errf(err, errsz, "%s:%d: %s", path, lineno, sub);
			goto fail;
		}
	}
	if (ferror(f)) {
		errf(err, errsz, "%s: read error", path);
		goto fail;
	}
	fclose(f);
	return 0;
fail:
	fclose(f);
	return -1;
}

int
conf_load(struct conf *c, const char *path, char *err, size_t errsz)
{
	char		 env[64], sub[512];
	const char	*v;
	size_t		 i, j;

	conf_defaults(c);
	if (conf_read_file(c, path ? path : CONF_DEFAULT_FILE, path != NULL,
	    err, errsz) == -1)
		return -1;
	for (i = 0; i < NKEYS; i++) {
		snprintf(env, sizeof(env), "INNKEEP_%s", keys[i].name);
		for (j = 8; env[j] != '\0'; j++)
			env[j] = (char)toupper((unsigned char)env[j]);
		if ((v = getenv(env)) == NULL)
			continue;
		if (conf_set(c, keys[i].name, v, sub, sizeof(sub)) == -1) {
			errf(err, errsz, "%s (from %s)", sub, env);
			return -1;
		}
	}
	return 0;
}

void
conf_print(const struct conf *c, FILE *fp)
{
	const struct conf_key	*k;
	const char		*s;
	size_t			 i;

	for (i = 0; i < NKEYS; i++) {
		k = &keys[i];
		switch (k->type) {
		case CONF_THREADS:
			fprintf(fp, "%s = %d\n", k->name, *FIELD(c, k, int));
			break;
		case CONF_BOOL:
			fprintf(fp, "%s = %s\n", k->name,
			    *FIELD(c, k, int) ? "true" : "false");
			break;
		case CONF_SIZE:
			fprintf(fp, "%s = %zu\n", k->name,
			    *FIELD(c, k, size_t));
			break;
		default:
			s = *FIELD(c, k, char *);
			if (s == NULL)
				fprintf(fp, "%s =\n", k->name);
			else
				fprintf(fp, "%s = %s\n", k->name,
				    k->secret ? "(set)" : s);
			break;
		}
	}
}
