/*
 * Tests of the request parsers (req_parse.c): what each accepts, which
 * limit each refusal maps to, and hostile inputs.  Every input is copied
 * into a buffer of exactly its length with no terminating NUL, so a read
 * past the end shows under ASan or valgrind.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "req.h"

static struct arena		*a;
static struct req_limits	 lim;
static struct req_fields	 f;
static json_t			*root;
static const char		*why;

static void
setup(void)
{
	a = arena_new(4096);
	req_limits_default(&lim, 1024 * 1024);
	memset(&f, 0, sizeof(f));
	root = NULL;
	why = NULL;
}

static void
teardown(void)
{
	arena_free(a);
	a = NULL;
}

/* An exact-size copy, not NUL-terminated; never NULL. */
static char *
exact(const char *s, size_t len)
{
	char	*p;

	if ((p = calloc(len ? len : 1, 1)) == NULL)
		abort();
	if (len > 0)
		memcpy(p, s, len);
	return p;
}

static enum req_err
urlenc_n(const char *s, size_t len)
{
	char		*p = exact(s, len);
	enum req_err	 e;

	e = req_parse_urlencoded(a, p, len, &lim, &f, &why);
	free(p);
	return e;
}

static enum req_err
urlenc(const char *s)
{
	return urlenc_n(s, strlen(s));
}

static enum req_err
cookies(const char *s)
{
	char		*p = exact(s, strlen(s));
	enum req_err	 e;

	e = req_parse_cookies(a, p, strlen(s), &lim, &f, &why);
	free(p);
	return e;
}

static enum req_err
multipart_n(const char *ct, const char *s, size_t len)
{
	char		*p = exact(s, len);
	enum req_err	 e;

	e = req_parse_multipart(a, ct, p, len, &lim, &f, &why);
	free(p);
	return e;
}

static enum req_err
multipart(const char *ct, const char *s)
{
	return multipart_n(ct, s, strlen(s));
}

static enum req_err
json_n(const char *s, size_t len)
{
	char		*p = exact(s, len);
	enum req_err	 e;

	e = req_parse_json(a, p, len, &lim, &f, &root, &why);
	free(p);
	return e;
}

static enum req_err
json(const char *s)
{
	return json_n(s, strlen(s));
}

static enum req_err
body(const char *ct, const char *s)
{
	char		*p = exact(s, strlen(s));
	enum req_err	 e;

	e = req_parse_body(a, ct, p, strlen(s), &lim, &f, &root, &why);
	free(p);
	return e;
}

/* Field i has this name and value (value NULL: a NULL value). */
static void
field_is(size_t i, const char *name, const char *value)
{
	ck_assert_uint_lt(i, f.n);
	ck_assert_str_eq(f.v[i].name, name);
	if (value == NULL) {
		ck_assert_ptr_null(f.v[i].value);
		ck_assert_uint_eq(f.v[i].len, 0);
		return;
	}
	ck_assert_ptr_nonnull(f.v[i].value);
	ck_assert_uint_eq(f.v[i].len, strlen(value));
	ck_assert_mem_eq(f.v[i].value, value, f.v[i].len + 1);
}

/* A string of n copies of c, in the arena. */
static char *
rep(char c, size_t n)
{
	char	*s = arena_alloc(a, n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

#define MP_CT	"multipart/form-data; boundary=XyZ"

/* core */

START_TEST(test_limits_default)
{
	req_limits_default(&lim, 10 * 1024 * 1024);
	ck_assert_uint_eq(lim.max_body, 10 * 1024 * 1024);
	ck_assert_uint_eq(lim.max_fields, 256);
	ck_assert_uint_eq(lim.max_name, 128);
	ck_assert_uint_eq(lim.max_value, 1024 * 1024);
	ck_assert_uint_eq(lim.max_depth, 32);
	req_limits_default(&lim, 1000);
	ck_assert_uint_eq(lim.max_value, 1000);
}
END_TEST

START_TEST(test_pct_decode)
{
	char	 buf[32];
	char	 in[] = "%41%62c";

	ck_assert_int_eq(pct_decode(buf, "a%20b+c", 7, 1), 5);
	ck_assert_str_eq(buf, "a b c");
	ck_assert_int_eq(pct_decode(buf, "a%20b+c", 7, 0), 5);
	ck_assert_str_eq(buf, "a b+c");
	ck_assert_int_eq(pct_decode(buf, "%c3%A9", 6, 1), 2);
	ck_assert_str_eq(buf, "\xc3\xa9");
	ck_assert_int_eq(pct_decode(buf, "", 0, 1), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(pct_decode(buf, "%2B", 3, 1), 1);
	ck_assert_str_eq(buf, "+");
	/* Only len bytes are read: the '%' past it does not count. */
	ck_assert_int_eq(pct_decode(buf, "ab%", 2, 1), 2);
	ck_assert_int_eq(pct_decode(buf, "%", 1, 1), -1);
	ck_assert_int_eq(pct_decode(buf, "%4", 2, 1), -1);
	ck_assert_int_eq(pct_decode(buf, "%41%4", 5, 1), -1);
	ck_assert_int_eq(pct_decode(buf, "%zz", 3, 1), -1);
	ck_assert_int_eq(pct_decode(buf, "%4g", 3, 1), -1);
	ck_assert_int_eq(pct_decode(buf, "%g4", 3, 1), -1);
	/* In place. */
	ck_assert_int_eq(pct_decode(in, in, strlen(in), 1), 3);
	ck_assert_str_eq(in, "Abc");
}
END_TEST

START_TEST(test_utf8_valid)
{
	ck_assert_int_eq(utf8_valid("", 0), 1);
	ck_assert_int_eq(utf8_valid("plain ascii", 11), 1);
	ck_assert_int_eq(utf8_valid("\xc3\xa9", 2), 1);		/* é */
	ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 3), 1);	/* € */
	ck_assert_int_eq(utf8_valid("\xf0\x9f\x98\x80", 4), 1);	/* 😀 */
	ck_assert_int_eq(utf8_valid("\xed\x9f\xbf", 3), 1);	/* D7FF */
	ck_assert_int_eq(utf8_valid("\xee\x80\x80", 3), 1);	/* E000 */
	ck_assert_int_eq(utf8_valid("\xef\xbf\xbf", 3), 1);	/* FFFF */
	ck_assert_int_eq(utf8_valid("\xf4\x8f\xbf\xbf", 4), 1);	/* 10FFFF */
	ck_assert_int_eq(utf8_valid("a\0b", 3), 1);
}
END_TEST

START_TEST(test_utf8_invalid)
{
	/* Overlong. */
	ck_assert_int_eq(utf8_valid("\xc0\xaf", 2), 0);
	ck_assert_int_eq(utf8_valid("\xc1\xbf", 2), 0);
	ck_assert_int_eq(utf8_valid("\xc0\x80", 2), 0);
	ck_assert_int_eq(utf8_valid("\xe0\x80\xaf", 3), 0);
	ck_assert_int_eq(utf8_valid("\xe0\x9f\xbf", 3), 0);
	ck_assert_int_eq(utf8_valid("\xf0\x80\x80\xaf", 4), 0);
	ck_assert_int_eq(utf8_valid("\xf0\x8f\xbf\xbf", 4), 0);
	/* Surrogates. */
	ck_assert_int_eq(utf8_valid("\xed\xa0\x80", 3), 0);
	ck_assert_int_eq(utf8_valid("\xed\xbf\xbf", 3), 0);
	ck_assert_int_eq(utf8_valid("\xed\xa0\xbd\xed\xb8\x80", 6), 0);
	/* Past U+10FFFF. */
	ck_assert_int_eq(utf8_valid("\xf4\x90\x80\x80", 4), 0);
	ck_assert_int_eq(utf8_valid("\xf5\x80\x80\x80", 4), 0);
	ck_assert_int_eq(utf8_valid("\xf8\x88\x80\x80\x80", 5), 0);
	ck_assert_int_eq(utf8_valid("\xfe", 1), 0);
	ck_assert_int_eq(utf8_valid("\xff", 1), 0);
	/* Truncated, including by len inside a longer buffer. */
	ck_assert_int_eq(utf8_valid("\xe2\x82", 2), 0);
	ck_assert_int_eq(utf8_valid("\xf0\x9f\x98", 3), 0);
	ck_assert_int_eq(utf8_valid("\xc3", 1), 0);
	ck_assert_int_eq(utf8_valid("\xe2\x82\xac", 2), 0);
	ck_assert_int_eq(utf8_valid("a\xc3", 2), 0);
	/* Bad continuation. */
	ck_assert_int_eq(utf8_valid("\x80", 1), 0);
	ck_assert_int_eq(utf8_valid("\xbf", 1), 0);
	ck_assert_int_eq(utf8_valid("\xc3\x28", 2), 0);
	ck_assert_int_eq(utf8_valid("\xe2\x28\xa1", 3), 0);
	ck_assert_int_eq(utf8_valid("\xe2\x82\x28", 3), 0);
	ck_assert_int_eq(utf8_valid("\xf0\x9f\x98\xc0", 4), 0);
}
END_TEST

START_TEST(test_urlencoded)
{
	ck_assert_int_eq(urlenc("a=1&b=hello+world&c=%C3%A9&d&&e=&f=x%3Dy"),
	    REQ_OK);
	ck_assert_uint_eq(f.n, 6);
	field_is(0, "a", "1");
	field_is(1, "b", "hello world");
	field_is(2, "c", "\xc3\xa9");
	field_is(3, "d", "");
	field_is(4, "e", "");
	field_is(5, "f", "x=y");
	ck_assert_ptr_null(f.v[0].filename);
	ck_assert_ptr_null(f.v[0].type);
	ck_assert_ptr_null(f.v[0].json);
}
END_TEST

START_TEST(test_urlencoded_edges)
{
	/* Empty, only separators, unnamed pairs: no fields. */
	ck_assert_int_eq(req_parse_urlencoded(a, NULL, 0, &lim, &f, &why),
	    REQ_OK);
	ck_assert_int_eq(req_parse_cookies(a, NULL, 0, &lim, &f, &why),
	    REQ_OK);
	ck_assert_int_eq(urlenc_n("", 0), REQ_OK);
	ck_assert_int_eq(urlenc("&&&"), REQ_OK);
	ck_assert_int_eq(urlenc("=x&=&="), REQ_OK);
	ck_assert_uint_eq(f.n, 0);
	/* Names are decoded too; '=' after the first is the value's. */
	ck_assert_int_eq(urlenc("a+b%2Bc=1=2&x"), REQ_OK);
	ck_assert_uint_eq(f.n, 2);
	field_is(0, "a b+c", "1=2");
	field_is(1, "x", "");
	/* Appends to what is there. */
	ck_assert_int_eq(urlenc("y=2"), REQ_OK);
	ck_assert_uint_eq(f.n, 3);
	field_is(2, "y", "2");
}
END_TEST

START_TEST(test_urlencoded_many)
{
	char	*s;
	size_t	 i;

	/* Enough to grow the array several times. */
	lim.max_fields = 200;
	s = arena_alloc(a, 200 * 4 + 1);
	for (i = 0; i < 200; i++)
		memcpy(s + i * 4, "k=v&", 4);
	ck_assert_int_eq(urlenc_n(s, 200 * 4 - 1), REQ_OK);
	ck_assert_uint_eq(f.n, 200);
	field_is(199, "k", "v");
}
END_TEST

START_TEST(test_urlencoded_errors)
{
	ck_assert_int_eq(urlenc("a=%"), REQ_MALFORMED);
	ck_assert_str_eq(why, "invalid percent-encoding in field value");
	ck_assert_int_eq(urlenc("a=%4"), REQ_MALFORMED);
	ck_assert_int_eq(urlenc("a=%zz"), REQ_MALFORMED);
	ck_assert_int_eq(urlenc("%g0=1"), REQ_MALFORMED);
	ck_assert_str_eq(why, "invalid percent-encoding in field name");
	ck_assert_int_eq(urlenc("a=1&b=%ff"), REQ_BAD_UTF8);
	ck_assert_str_eq(why, "invalid UTF-8 in field value");
	ck_assert_int_eq(urlenc("%C0%AF=1"), REQ_BAD_UTF8);
	ck_assert_str_eq(why, "invalid UTF-8 in field name");
	ck_assert_int_eq(urlenc("a=%ED%A0%80"), REQ_BAD_UTF8);
	ck_assert_int_eq(urlenc("a=\xc3"), REQ_BAD_UTF8);
	/* A failed call leaves the list as it was. */
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_nul)
{
	ck_assert_int_eq(urlenc("a=x%00y"), REQ_MALFORMED);
	ck_assert_str_eq(why, "null byte in field value");
	ck_assert_int_eq(urlenc("a%00b=1"), REQ_MALFORMED);
	ck_assert_str_eq(why, "null byte in field name");
	ck_assert_int_eq(urlenc_n("a=x\0y", 5), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":\"x\\u0000y\"}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\\u0000\":1}"), REQ_MALFORMED);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_cookies)
{
	ck_assert_int_eq(cookies("a=b; c=\"d e\";  f = g ;bad; =x; h=;"
	    "i=%41; j=x=y; k=\"; l=\"\""), REQ_OK);
	ck_assert_uint_eq(f.n, 8);
	field_is(0, "a", "b");
	field_is(1, "c", "d e");
	field_is(2, "f", "g");
	field_is(3, "h", "");
	field_is(4, "i", "%41");
	field_is(5, "j", "x=y");
	field_is(6, "k", "\"");
	field_is(7, "l", "");
	ck_assert_int_eq(cookies(""), REQ_OK);
	ck_assert_int_eq(cookies(";;; ; nothing"), REQ_OK);
	ck_assert_uint_eq(f.n, 8);
}
END_TEST

START_TEST(test_cookies_errors)
{
	/*
	 * A cookie we cannot read is skipped, never an error: other software
	 * on the domain sets cookies, and a visitor cannot remove them.
	 */
	ck_assert_int_eq(cookies("a=b; s=\xff"), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
	field_is(0, "a", "b");
	f.n = 0;
	ck_assert_int_eq(cookies("\xc0\x80=1; c=d"), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
	field_is(0, "c", "d");
	f.n = 0;
	ck_assert_int_eq(req_parse_cookies(a, "a=b\0c; d=e", 10, &lim, &f,
	    &why), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
	field_is(0, "d", "e");
	f.n = 0;
	ck_assert_int_eq(cookies("\xff; a=1"), REQ_OK);
	field_is(0, "a", "1");
}
END_TEST

START_TEST(test_multipart)
{
	static const char b[] =
	    "this is the preamble\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n"
	    "\r\n"
	    "Cosy cottage \xc3\xa9\r\n"
	    "--XyZ\r\n"
	    "content-disposition: FORM-DATA; name=empty\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ  \r\n"
	    "Content-Disposition: form-data; name=\"lines\"\r\n"
	    "X-Ignored: yes\r\n"
	    "\r\n"
	    "one\r\ntwo\r\n--XyZ is not a delimiter\r\n"
	    "--XyZ--\r\n"
	    "epilogue";

	ck_assert_int_eq(multipart(MP_CT, b), REQ_MALFORMED);
	ck_assert_str_eq(why, "malformed multipart boundary line");
	ck_assert_uint_eq(f.n, 0);
	/* Without the line that looks like a delimiter and is not. */
	ck_assert_int_eq(multipart(MP_CT,
	    "this is the preamble\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"title\"\r\n"
	    "\r\n"
	    "Cosy cottage \xc3\xa9\r\n"
	    "--XyZ\r\n"
	    "content-disposition: FORM-DATA; name=empty\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ  \r\n"
	    "Content-Disposition: form-data; name=\"lines\"\r\n"
	    "X-Ignored: yes\r\n"
	    "\r\n"
	    "one\r\ntwo\r\n-XyZ\r\n"
	    "--XyZ--\r\n"
	    "epilogue"), REQ_OK);
	ck_assert_uint_eq(f.n, 3);
	field_is(0, "title", "Cosy cottage \xc3\xa9");
	field_is(1, "empty", "");
	field_is(2, "lines", "one\r\ntwo\r\n-XyZ");
	ck_assert_ptr_null(f.v[0].filename);
	ck_assert_ptr_null(f.v[0].type);
}
END_TEST

START_TEST(test_multipart_file)
{
	static const char b[] =
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"photo\"; "
	    "filename=\"a \\\"b\\\\c\\\".png\"\r\n"
	    "Content-Type: image/png\r\n"
	    "\r\n"
	    "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe\0\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"none\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "\r\n"
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"note\"\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"
	    "hi\r\n"
	    "--XyZ--";
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xfe\0";

	ck_assert_int_eq(multipart_n(MP_CT, b, sizeof(b) - 1), REQ_OK);
	ck_assert_uint_eq(f.n, 3);
	ck_assert_str_eq(f.v[0].name, "photo");
	ck_assert_str_eq(f.v[0].filename, "a \"b\\c\".png");
	ck_assert_str_eq(f.v[0].type, "image/png");
	ck_assert_uint_eq(f.v[0].len, sizeof(png) - 1);
	ck_assert_mem_eq(f.v[0].value, png, sizeof(png));
	ck_assert_str_eq(f.v[1].filename, "");
	ck_assert_uint_eq(f.v[1].len, 0);
	field_is(2, "note", "hi");
	ck_assert_ptr_null(f.v[2].filename);
	ck_assert_str_eq(f.v[2].type, "text/plain; charset=utf-8");
}
END_TEST

START_TEST(test_multipart_boundary)
{
	static const char b[] =
	    "--a'(b) c+_,-./:=?\r\n"
	    "Content-Disposition: form-data; name=x\r\n"
	    "\r\n"
	    "1\r\n"
	    "--a'(b) c+_,-./:=?--\r\n";
	static const char b2[] =
	    "--simple\r\n"
	    "Content-Disposition: form-data; name=x\r\n"
	    "\r\n"
	    "2\r\n"
	    "--simple--\r\n";

	ck_assert_int_eq(multipart("multipart/form-data; "
	    "boundary=\"a'(b) c+_,-./:=?\"", b), REQ_OK);
	field_is(0, "x", "1");
	ck_assert_int_eq(multipart("multipart/form-data;charset=utf-8;"
	    "  BOUNDARY=simple ; foo=\"bar;baz\"", b2), REQ_OK);
	ck_assert_int_eq(multipart("multipart/form-data; boundary=\"simple\"",
	    b2), REQ_OK);
	ck_assert_int_eq(multipart("multipart/form-data; boundary=\"sim\\ple\"",
	    b2), REQ_OK);
	ck_assert_uint_eq(f.n, 4);
	field_is(3, "x", "2");
}
END_TEST

START_TEST(test_json)
{
	ck_assert_int_eq(json(" {\"s\": \"caf\\u00e9\", \"i\": -42, "
	    "\"r\": 0.1, \"e\": 1.5e300, \"big\": 9007199254740993, "
	    "\"t\": true, \"f\": false, \"n\": null, \"a\": [1, 2], "
	    "\"o\": {\"k\": \"v\"}, \"empty\": \"\"} \n"), REQ_OK);
	ck_assert_ptr_nonnull(root);
	ck_assert(json_is_object(root));
	ck_assert_uint_eq(f.n, 11);
	field_is(0, "s", "caf\xc3\xa9");
	field_is(1, "i", "-42");
	field_is(2, "r", "0.1");
	field_is(3, "e", "1.5e+300");
	field_is(4, "big", "9007199254740993");
	field_is(5, "t", "true");
	field_is(6, "f", "false");
	field_is(7, "n", NULL);
	field_is(8, "a", NULL);
	field_is(9, "o", NULL);
	field_is(10, "empty", "");
	ck_assert(json_is_string(f.v[0].json));
	ck_assert(json_is_null(f.v[7].json));
	ck_assert_uint_eq(json_array_size(f.v[8].json), 2);
	ck_assert_ptr_eq(f.v[9].json, json_object_get(root, "o"));
	ck_assert_ptr_null(f.v[0].filename);
}
END_TEST

/* Reals come out as plain decimals while short: prices and counts. */
START_TEST(test_json_reals)
{
	ck_assert_int_eq(json("{\"a\": 120.0, \"b\": 99.99, \"c\": -0.5, "
	    "\"d\": 1e15, \"e\": 1e-7, \"f\": 0.000001, \"g\": 1e3, "
	    "\"h\": 123456789012345.6}"), REQ_OK);
	field_is(0, "a", "120");
	field_is(1, "b", "99.99");
	field_is(2, "c", "-0.5");
	field_is(3, "d", "1e+15");
	field_is(4, "e", "1e-07");
	field_is(5, "f", "0.000001");
	field_is(6, "g", "1000");
	field_is(7, "h", "123456789012345.6");
}
END_TEST

START_TEST(test_json_empty_object)
{
	ck_assert_int_eq(json("{}"), REQ_OK);
	ck_assert_ptr_nonnull(root);
	ck_assert_uint_eq(f.n, 0);
	/* The root outlives the call until the arena is reset. */
	arena_reset(a);
}
END_TEST

START_TEST(test_body_dispatch)
{
	ck_assert_int_eq(body("application/x-www-form-urlencoded", "a=1"),
	    REQ_OK);
	ck_assert_ptr_null(root);
	ck_assert_int_eq(body("Application/X-WWW-Form-Urlencoded; "
	    "charset=UTF-8", "b=2"), REQ_OK);
	ck_assert_int_eq(body("  APPLICATION/JSON ; charset=utf-8",
	    "{\"c\":3}"), REQ_OK);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(body("Multipart/Form-Data; boundary=q",
	    "--q\r\nContent-Disposition: form-data; name=d\r\n\r\n4\r\n"
	    "--q--"), REQ_OK);
	ck_assert_ptr_null(root);
	ck_assert_uint_eq(f.n, 4);
	field_is(0, "a", "1");
	field_is(1, "b", "2");
	field_is(2, "c", "3");
	field_is(3, "d", "4");
}
END_TEST

START_TEST(test_body_empty)
{
	ck_assert_int_eq(body(NULL, ""), REQ_OK);
	ck_assert_int_eq(body("", ""), REQ_OK);
	ck_assert_int_eq(body("application/x-www-form-urlencoded", ""),
	    REQ_OK);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(body("application/json", ""), REQ_MALFORMED);
	ck_assert_str_eq(why, "empty json body");
	ck_assert_int_eq(body("multipart/form-data; boundary=x", ""),
	    REQ_MALFORMED);
	ck_assert_int_eq(body(NULL, "a=1"), REQ_UNSUPPORTED);
	ck_assert_str_eq(why, "missing content type");
}
END_TEST

START_TEST(test_body_unsupported)
{
	ck_assert_int_eq(body("text/plain", "a=1"), REQ_UNSUPPORTED);
	ck_assert_str_eq(why, "unsupported content type");
	ck_assert_int_eq(body("text/plain", ""), REQ_UNSUPPORTED);
	ck_assert_int_eq(body("application/vnd.api+json", "{}"),
	    REQ_UNSUPPORTED);
	ck_assert_int_eq(body("application/jsonx", "{}"), REQ_UNSUPPORTED);
	ck_assert_int_eq(body("application/json-seq", "{}"), REQ_UNSUPPORTED);
	ck_assert_int_eq(body("application", "{}"), REQ_UNSUPPORTED);
	ck_assert_int_eq(body("multipart/mixed; boundary=x", "--x--"),
	    REQ_UNSUPPORTED);
	ck_assert_int_eq(body("; charset=utf-8", "a=1"), REQ_UNSUPPORTED);
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

/* limits */

START_TEST(test_too_many_fields)
{
	lim.max_fields = 3;
	ck_assert_int_eq(urlenc("a=1&b=2&c=3"), REQ_OK);
	f.n = 0;
	ck_assert_int_eq(urlenc("a=1&b=2&c=3&d=4"), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "too many fields");
	ck_assert_uint_eq(f.n, 0);
	/* Skipped pairs do not count. */
	ck_assert_int_eq(urlenc("a=1&&=x&b=2&c=3&"), REQ_OK);
	f.n = 0;
	/* The limit is per call, not per list. */
	ck_assert_int_eq(urlenc("a=1&b=2"), REQ_OK);
	ck_assert_int_eq(urlenc("c=1&d=2"), REQ_OK);
	ck_assert_uint_eq(f.n, 4);
	f.n = 0;
	/* Cookies past the limit are dropped, not refused. */
	ck_assert_int_eq(cookies("a=1; b=2; c=3; d=4"), REQ_OK);
	ck_assert_uint_eq(f.n, 3);
	f.n = 0;
	ck_assert_int_eq(json("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}"),
	    REQ_TOO_LARGE);
	ck_assert_int_eq(json("{\"a\":1,\"b\":2,\"c\":3}"), REQ_OK);
	f.n = 0;
	ck_assert_int_eq(multipart(MP_CT,
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=b\r\n\r\n\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=c\r\n\r\n\r\n"
	    "--XyZ\r\nContent-Disposition: form-data; name=d\r\n\r\n\r\n"
	    "--XyZ--"), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "too many fields");
	ck_assert_uint_eq(f.n, 0);
}
END_TEST

START_TEST(test_name_too_long)
{
	char	*s;

	lim.max_name = 8;
	ck_assert_int_eq(urlenc("abcdefgh=1"), REQ_OK);
	ck_assert_int_eq(urlenc("abcdefghi=1"), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "field name too long");
	/* The decoded length counts: 24 bytes that decode to 8. */
	ck_assert_int_eq(urlenc("%41%41%41%41%41%41%41%41=1"), REQ_OK);
	ck_assert_int_eq(urlenc("%41%41%41%41%41%41%41%41%41=1"),
	    REQ_TOO_LARGE);
	f.n = 0;
	ck_assert_int_eq(cookies("abcdefghi=1; b=2"), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
	field_is(0, "b", "2");
	f.n = 0;
	ck_assert_int_eq(json("{\"abcdefghi\":1}"), REQ_TOO_LARGE);
	ck_assert_int_eq(multipart(MP_CT,
	    "--XyZ\r\nContent-Disposition: form-data; name=abcdefghi\r\n\r\n"
	    "\r\n--XyZ--"), REQ_TOO_LARGE);
	/* A long name is refused without decoding it. */
	lim.max_name = 128;
	s = rep('%', 100000);
	ck_assert_int_eq(urlenc(s), REQ_TOO_LARGE);
}
END_TEST

START_TEST(test_value_too_long)
{
	lim.max_value = 4;
	ck_assert_int_eq(urlenc("a=1234"), REQ_OK);
	ck_assert_int_eq(urlenc("a=12345"), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "field value too long");
	ck_assert_int_eq(urlenc("a=%31%32%33%34"), REQ_OK);
	ck_assert_int_eq(urlenc("a=%31%32%33%34%35"), REQ_TOO_LARGE);
	ck_assert_int_eq(cookies("a=\"1234\""), REQ_OK);
	f.n = 0;
	ck_assert_int_eq(cookies("a=12345"), REQ_OK);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_int_eq(json("{\"a\":\"1234\"}"), REQ_OK);
	ck_assert_int_eq(json("{\"a\":\"12345\"}"), REQ_TOO_LARGE);
	ck_assert_int_eq(multipart(MP_CT,
	    "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n"
	    "12345\r\n--XyZ--"), REQ_TOO_LARGE);
	/* Files are bounded by max_body only. */
	ck_assert_int_eq(multipart(MP_CT,
	    "--XyZ\r\nContent-Disposition: form-data; name=a; filename=f\r\n"
	    "\r\n12345\r\n--XyZ--"), REQ_OK);
}
END_TEST

START_TEST(test_body_too_large)
{
	lim.max_body = 4;
	ck_assert_int_eq(body("application/x-www-form-urlencoded", "a=12"),
	    REQ_OK);
	ck_assert_int_eq(body("application/x-www-form-urlencoded", "a=123"),
	    REQ_TOO_LARGE);
	ck_assert_str_eq(why, "request body too large");
	/* Size is checked before the type. */
	ck_assert_int_eq(body("text/plain", "12345"), REQ_TOO_LARGE);
	ck_assert_int_eq(body(NULL, "12345"), REQ_TOO_LARGE);
}
END_TEST

START_TEST(test_json_depth)
{
	char	*s;
	size_t	 d;

	/* max_depth objects and arrays nested, the root included. */
	for (d = 31; d <= 33; d++) {
		s = arena_printf(a, "{\"a\":%s1%s}", rep('[', d - 1),
		    rep(']', d - 1));
		f.n = 0;
		ck_assert_int_eq(json(s), d <= 32 ? REQ_OK : REQ_MALFORMED);
	}
	ck_assert_str_eq(why, "json body nested too deeply");
	lim.max_depth = 1;
	ck_assert_int_eq(json("{\"a\":1,\"b\":\"x\"}"), REQ_OK);
	/* Brackets in strings and keys are not nesting. */
	ck_assert_int_eq(json("{\"[{\":\"[[{{\\\"[\",\"b\":\"\\\\\"}"),
	    REQ_OK);
	f.n = 0;
	lim.max_depth = 2;
	ck_assert_int_eq(json("{\"a\":\"\\\\\",\"b\":[[]]}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":\"\\\"\",\"b\":[{}]}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":[],\"b\":{},\"c\":[{\"d\":1}]}"),
	    REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":[],\"b\":{},\"c\":[1]}"), REQ_OK);
	lim.max_depth = 1;
	ck_assert_int_eq(json("{\"a\":{}}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":[]}"), REQ_MALFORMED);
	/* Far past anything: jansson's own limit or ours, never a crash. */
	lim.max_depth = 32;
	s = arena_printf(a, "{\"a\":%s}", rep('[', 100000));
	ck_assert_int_eq(json(s), REQ_MALFORMED);
	s = arena_printf(a, "{\"a\":%s%s}", rep('[', 1000), rep(']', 1000));
	ck_assert_int_eq(json(s), REQ_MALFORMED);
}
END_TEST

START_TEST(test_multipart_header_limits)
{
	char	*s;
	size_t	 i;

	/* A line of 1024 bytes is allowed, 1025 is not. */
	s = arena_printf(a, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nX-Pad: %s\r\n\r\nv\r\n--XyZ--", rep('p', 1024 - 7));
	ck_assert_int_eq(multipart(MP_CT, s), REQ_OK);
	s = arena_printf(a, "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\nX-Pad: %s\r\n\r\nv\r\n--XyZ--", rep('p', 1024 - 6));
	ck_assert_int_eq(multipart(MP_CT, s), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "multipart part header too long");
	/* No CRLF at all in a long part. */
	s = arena_printf(a, "--XyZ\r\n%s", rep('h', 5000));
	ck_assert_int_eq(multipart(MP_CT, s), REQ_TOO_LARGE);
	/* Sixteen header lines are allowed, seventeen are not. */
	s = "--XyZ\r\nContent-Disposition: form-data; name=a\r\n";
	for (i = 1; i < 16; i++)
		s = arena_printf(a, "%sX-H: %zu\r\n", s, i);
	ck_assert_int_eq(multipart(MP_CT,
	    arena_printf(a, "%s\r\nv\r\n--XyZ--", s)), REQ_OK);
	s = arena_printf(a, "%sX-H: 16\r\n\r\nv\r\n--XyZ--", s);
	ck_assert_int_eq(multipart(MP_CT, s), REQ_TOO_LARGE);
	ck_assert_str_eq(why, "too many multipart part headers");
}
END_TEST

START_TEST(test_cookie_limits_skip)
{
	/* Skipped pairs are not fields: they do not count. */
	lim.max_fields = 1;
	ck_assert_int_eq(cookies("bad; =x; a=1; ;"), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
}
END_TEST

/* hostile */

START_TEST(test_multipart_malformed)
{
	static const char *const bad[] = {
		/* No delimiter at all, or only a preamble. */
		"",
		"just text",
		"XyZ\r\n",
		"-XyZ\r\n",
		/* Missing final delimiter. */
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ-",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ\r\n",
		/* Truncated headers. */
		"--XyZ\r\n",
		"--XyZ\r\nContent-Disposition: form-data; name=a",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n",
		/* Junk after the delimiter. */
		"--XyZjunk\r\n\r\n\r\n--XyZ--",
		"--XyZ \r\nContent-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ-x",
		/* LF alone. */
		"--XyZ\nContent-Disposition: form-data; name=a\n\nv\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n\nv\r\n"
		    "--XyZ--",
		/* No name, no disposition, not form-data. */
		"--XyZ\r\n\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; filename=f\r\n\r\n"
		    "v\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-datax; name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		/* Malformed headers and parameters. */
		"--XyZ\r\nContent-Disposition form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition : form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\n Content-Disposition: form-data; name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\n: form-data; name=a\r\n\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\\\r\n\r\n"
		    "v\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name = a\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a b\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data name=a\r\n\r\nv\r\n"
		    "--XyZ--",
		/* Duplicates that two parsers could read two ways. */
		"--XyZ\r\nContent-Disposition: form-data; name=a; name=b\r\n"
		    "\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a; filename=x; "
		    "filename=y\r\n\r\nv\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
		    "Content-Disposition: form-data; name=b\r\n\r\nv\r\n"
		    "--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=a\r\n"
		    "Content-Type: a/b\r\nContent-Type: c/d\r\n\r\nv\r\n"
		    "--XyZ--",
	};
	static const char nul[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\0\r\n\r\nv\r\n--XyZ--";
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		if (multipart(MP_CT, bad[i]) != REQ_MALFORMED)
			ck_abort_msg("bad[%zu] not refused", i);
		ck_assert_ptr_nonnull(why);
	}
	ck_assert_uint_eq(f.n, 0);
	/* A NUL inside a part header. */
	ck_assert_int_eq(multipart_n(MP_CT, nul, sizeof(nul) - 1),
	    REQ_MALFORMED);
	ck_assert_str_eq(why, "malformed multipart part header");
}
END_TEST

START_TEST(test_multipart_bad_boundary)
{
	static const char b[] = "--XyZ\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--XyZ--";
	static const char *const bad[] = {
		"multipart/form-data",
		"multipart/form-data;",
		"multipart/form-data; charset=utf-8",
		"multipart/form-data boundary=XyZ",
		"multipart/form-data; boundary=",
		"multipart/form-data; boundary=\"\"",
		"multipart/form-data; boundary=\"XyZ",
		"multipart/form-data; boundary=\"XyZ \"",
		"multipart/form-data; boundary=\"X@Z\"",
		"multipart/form-data; boundary=\"X\\\"Z\"",
		"multipart/form-data; boundary=X{Z",
		"multipart/form-data; boundary=XyZ; boundary=XyZ",
		"multipart/form-data; =XyZ",
		"multipart/form-data; boundary XyZ",
	};
	char	*s;
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (multipart(bad[i], b) != REQ_MALFORMED)
			ck_abort_msg("bad[%zu] not refused", i);
	ck_assert_int_eq(multipart("multipart/form-data", b), REQ_MALFORMED);
	ck_assert_str_eq(why, "missing multipart boundary");
	ck_assert_int_eq(req_parse_multipart(a, NULL, b, sizeof(b) - 1, &lim,
	    &f, &why), REQ_MALFORMED);
	/* 70 characters, then 71. */
	s = arena_printf(a, "--%s\r\nContent-Disposition: form-data; "
	    "name=a\r\n\r\nv\r\n--%s--", rep('b', 70), rep('b', 70));
	ck_assert_int_eq(multipart(arena_printf(a, "multipart/form-data; "
	    "boundary=%s", rep('b', 70)), s), REQ_OK);
	ck_assert_int_eq(multipart(arena_printf(a, "multipart/form-data; "
	    "boundary=%s", rep('b', 71)), s), REQ_MALFORMED);
	ck_assert_str_eq(why, "invalid multipart boundary");
}
END_TEST

START_TEST(test_multipart_text)
{
	static const char nul[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\nx\0y\r\n--XyZ--";
	static const char file[] = "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a; filename=f\r\n\r\nx\0\xff\r\n--XyZ--";

	ck_assert_int_eq(multipart(MP_CT, "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a\r\n\r\n\xff\r\n--XyZ--"), REQ_BAD_UTF8);
	ck_assert_str_eq(why, "invalid UTF-8 in field value");
	ck_assert_int_eq(multipart(MP_CT, "--XyZ\r\nContent-Disposition: "
	    "form-data; name=\"\xc0\x80\"\r\n\r\nv\r\n--XyZ--"), REQ_BAD_UTF8);
	ck_assert_str_eq(why, "invalid UTF-8 in field name");
	ck_assert_int_eq(multipart(MP_CT, "--XyZ\r\nContent-Disposition: "
	    "form-data; name=a; filename=\"\xed\xa0\x80\"\r\n\r\nv\r\n--XyZ--"),
	    REQ_BAD_UTF8);
	ck_assert_str_eq(why, "invalid UTF-8 in file name");
	ck_assert_int_eq(multipart_n(MP_CT, nul, sizeof(nul) - 1),
	    REQ_MALFORMED);
	ck_assert_str_eq(why, "null byte in field value");
	/* Files may hold anything, a NUL and invalid UTF-8 included. */
	ck_assert_int_eq(multipart_n(MP_CT, file, sizeof(file) - 1), REQ_OK);
	ck_assert_uint_eq(f.n, 1);
	ck_assert_uint_eq(f.v[0].len, 3);
	ck_assert_mem_eq(f.v[0].value, "x\0\xff", 4);
}
END_TEST

START_TEST(test_json_hostile)
{
	ck_assert_int_eq(json("{\"a\":1,\"a\":2}"), REQ_MALFORMED);
	ck_assert_ptr_nonnull(strstr(why, "duplicate"));
	ck_assert_ptr_null(root);
	ck_assert_int_eq(json("[1,2]"), REQ_MALFORMED);
	ck_assert_str_eq(why, "json body must be an object");
	ck_assert_int_eq(json("\"x\""), REQ_MALFORMED);
	ck_assert_str_eq(why, "json body must be an object");
	ck_assert_int_eq(json("42"), REQ_MALFORMED);
	ck_assert_int_eq(json("null"), REQ_MALFORMED);
	ck_assert_int_eq(json("{"), REQ_MALFORMED);
	ck_assert_int_eq(json("{} {}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":\"\xff\"}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":\"\\ud800\"}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":1e999}"), REQ_MALFORMED);
	ck_assert_int_eq(json("{\"a\":99999999999999999999}"), REQ_MALFORMED);
	ck_assert_int_eq(json_n("{\"a\":1}\0", 8), REQ_MALFORMED);
	ck_assert_uint_eq(f.n, 0);
	ck_assert_ptr_null(root);
}
END_TEST

START_TEST(test_json_why)
{
	const char	*p;

	/* The message says what failed without the client's bytes. */
	ck_assert_int_eq(json("{\"a\": tru<script>\xff}"), REQ_MALFORMED);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(strncmp(why, "invalid json: ", 14), 0);
	ck_assert_ptr_null(strstr(why, "script"));
	for (p = why; *p != '\0'; p++)
		ck_assert(*p >= 0x20 && *p < 0x7f);
}
END_TEST

START_TEST(test_why_null)
{
	/* why may be NULL. */
	ck_assert_int_eq(req_parse_urlencoded(a, "a=%", 3, &lim, &f, NULL),
	    REQ_MALFORMED);
	ck_assert_int_eq(req_parse_json(a, "[]", 2, &lim, &f, NULL, NULL),
	    REQ_MALFORMED);
	ck_assert_int_eq(req_parse_json(a, "{\"a\":1}", 7, &lim, &f, NULL,
	    NULL), REQ_OK);
	ck_assert_int_eq(req_parse_body(a, "text/plain", "x", 1, &lim, &f,
	    NULL, NULL), REQ_UNSUPPORTED);
}
END_TEST

static Suite *
req_parse_suite(void)
{
	Suite	*s;
	TCase	*tc;

	s = suite_create("req_parse");

	tc = tcase_create("core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_limits_default);
	tcase_add_test(tc, test_pct_decode);
	tcase_add_test(tc, test_utf8_valid);
	tcase_add_test(tc, test_utf8_invalid);
	tcase_add_test(tc, test_urlencoded);
	tcase_add_test(tc, test_urlencoded_edges);
	tcase_add_test(tc, test_urlencoded_many);
	tcase_add_test(tc, test_urlencoded_errors);
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_cookies);
	tcase_add_test(tc, test_cookies_errors);
	tcase_add_test(tc, test_multipart);
	tcase_add_test(tc, test_multipart_file);
	tcase_add_test(tc, test_multipart_boundary);
	tcase_add_test(tc, test_json);
	tcase_add_test(tc, test_json_reals);
	tcase_add_test(tc, test_json_empty_object);
	tcase_add_test(tc, test_body_dispatch);
	tcase_add_test(tc, test_body_empty);
	tcase_add_test(tc, test_body_unsupported);
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_too_many_fields);
	tcase_add_test(tc, test_name_too_long);
	tcase_add_test(tc, test_value_too_long);
	tcase_add_test(tc, test_body_too_large);
	tcase_add_test(tc, test_json_depth);
	tcase_add_test(tc, test_multipart_header_limits);
	tcase_add_test(tc, test_cookie_limits_skip);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_multipart_malformed);
	tcase_add_test(tc, test_multipart_bad_boundary);
	tcase_add_test(tc, test_multipart_text);
	tcase_add_test(tc, test_json_hostile);
	tcase_add_test(tc, test_json_why);
	tcase_add_test(tc, test_why_null);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	SRunner	*sr;
	int	 failed;

	sr = srunner_create(req_parse_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
