/* Unit tests: configuration file, environment overrides, bad values. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "unit.h"

static char	 path[64];

static const char *
write_conf(const char *text)
{
	FILE	*f;
	int	 fd;

	snprintf(path, sizeof(path), "/tmp/check_conf.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void
teardown(void)
{
	if (path[0] != '\0')
		unlink(path);
	path[0] = '\0';
	unsetenv("INNKEEP_THREADS");
	unsetenv("INNKEEP_LISTEN");
}

START_TEST(test_defaults)
{
	struct conf	 c;
	char		 err[256];

	ck_assert_int_eq(conf_load(&c, write_conf(""), err, sizeof(err)), 0);
	ck_assert_str_eq(c.database_url, "postgresql:///innkeep");
	ck_assert_str_eq(c.listen, "unix:/run/innkeep/innkeep.sock");
	ck_assert_int_ge(c.threads, 2);
	ck_assert_uint_eq(c.max_body_bytes, 10485760);
	ck_assert_int_eq(c.secure_cookies, 0);
	ck_assert_str_eq(c.payment_gateway, "sandbox");
	ck_assert_ptr_null(c.smtp_url);
	ck_assert_int_eq(c.test_routes, 0);
	conf_free(&c);
}
END_TEST

START_TEST(test_file_and_env)
{
	struct conf	 c;
	char		 err[256];

	write_conf("# comment\n\n  threads = 7  \nlisten=127.0.0.1:9000\n"
	    "base_url = https://example.org/\nsecure_cookies = true\n"
	    "smtp_url = smtp://mail:25\n");
	setenv("INNKEEP_THREADS", "3", 1);
	ck_assert_int_eq(conf_load(&c, path, err, sizeof(err)), 0);
	ck_assert_int_eq(c.threads, 3);
	ck_assert_str_eq(c.listen, "127.0.0.1:9000");
	ck_assert_str_eq(c.base_url, "https://example.org");
	ck_assert_int_eq(c.secure_cookies, 1);
	ck_assert_str_eq(c.smtp_url, "smtp://mail:25");
	conf_free(&c);
}
END_TEST

static void
expect_bad(const char *text, const char *needle)
{
	struct conf	 c;
	char		 err[256];

	ck_assert_int_eq(conf_load(&c, write_conf(text), err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, needle) != NULL, "\"%s\" lacks \"%s\"",
	    err, needle);
	ck_assert_ptr_null(strchr(err, '\n'));
	conf_free(&c);
	unlink(path);
}

START_TEST(test_bad_values)
{
	expect_bad("threads = 0\n", "threads");
	expect_bad("threads = abc\n", "threads");
	expect_bad("threads = 5x\n", "threads");
	expect_bad("max_body_bytes = -1\n", "max_body_bytes");
	expect_bad("max_body_bytes = 99999999999999\n", "max_body_bytes");
	expect_bad("secure_cookies = maybe\n", "secure_cookies");
	expect_bad("listen = bogus\n", "listen");
	expect_bad("listen = unix:relative\n", "listen");
	expect_bad("listen = host:70000\n", "listen");
	expect_bad("base_url = ftp://x\n", "base_url");
	expect_bad("payment_gateway = stripe\n", "payment_gateway");
	expect_bad("database_url =\n", "database_url");
	expect_bad("no_such_key = 1\n", "no_such_key");
	expect_bad("threads 4\n", ":1:");
}
END_TEST

START_TEST(test_bad_env)
{
	struct conf	 c;
	char		 err[256];

	setenv("INNKEEP_LISTEN", "nowhere", 1);
	ck_assert_int_eq(conf_load(&c, write_conf(""), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "INNKEEP_LISTEN"));
	conf_free(&c);
}
END_TEST

START_TEST(test_missing_file)
{
	struct conf	 c;
	char		 err[256];

	/* Named with -c: an error; the default file may be missing. */
	ck_assert_int_eq(conf_load(&c, "/nonexistent/innkeep.conf", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/innkeep.conf"));
	conf_free(&c);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite	*s = suite_create("conf");
	TCase	*core = tcase_create("core");

	tcase_add_checked_fixture(core, NULL, teardown);
	tcase_add_test(core, test_defaults);
	tcase_add_test(core, test_file_and_env);
	tcase_add_test(core, test_bad_values);
	tcase_add_test(core, test_bad_env);
	tcase_add_test(core, test_missing_file);
	suite_add_tcase(s, core);
	return s;
}

int
main(void)
{
	return unit_run(conf_suite());
}
