/*
 * Unit tests: the template engine, written against docs/templates.md and
 * src/tmpl.h.  Pages are compiled from strings named "page"; partials and
 * layouts live in tests/unit/tmpl (TMPL_TEST_DIR).  Every test owns an
 * arena for the context (jansson allocates from it) and the output.
 *
 * Where the language leaves a spelling open, the tests accept any correct
 * one: norm() maps &#34; &#x22; to &quot; and &#x27; &apos; to &#39;;
 * squeeze() drops the white space between tags of indented templates.
 */
#include "config.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "tmpl.h"
#include "view.h"
#include "unit.h"

#ifndef TMPL_TEST_DIR
#error "TMPL_TEST_DIR must name tests/unit/tmpl"
#endif

#define NS	"xmlns=\"http://www.w3.org/1999/xhtml\" " \
		"xmlns:t=\"https://innkeep.org/ns/template\""
/* A fragment page: one <div> root around body. */
#define FRAG(body)	"<div " NS ">" body "</div>"
/* Renders FRAG(body) without partials and compares the whole output. */
#define EQ(root, body, want) \
	ck_assert_str_eq(render(FRAG(body), NULL, (root)), \
	    "<div>" want "</div>")
/* The same with tests/unit/tmpl as the template directory. */
#define EQD(root, body, want) \
	ck_assert_str_eq(render(FRAG(body), TMPL_TEST_DIR, (root)), \
	    "<div>" want "</div>")

static struct arena	*ar;
static char		 errbuf[512];

static void
setup(void)
{
	ar = arena_new(8192);
	view_bind(ar);
	errbuf[0] = '\0';
}

static void
teardown(void)
{
	view_bind(NULL);
	arena_free(ar);
}

/* One spelling per entity, so tests do not depend on the escaper's. */
static const char *
norm(const char *s)
{
	static const struct {
		const char	*from;
		const char	*to;
	} alt[] = {
		{ "&#34;", "&quot;" }, { "&#x22;", "&quot;" },
		{ "&#X22;", "&quot;" }, { "&#034;", "&quot;" },
		{ "&#x27;", "&#39;" }, { "&#X27;", "&#39;" },
		{ "&apos;", "&#39;" }, { "&#039;", "&#39;" },
	};
	struct buf	 b;
	size_t		 i, n;

	buf_init(&b, ar, strlen(s) + 1);
	while (*s != '\0') {
		for (i = 0; i < sizeof(alt) / sizeof(alt[0]); i++) {
			n = strlen(alt[i].from);
			if (strncmp(s, alt[i].from, n) == 0)
				break;
		}
		if (i < sizeof(alt) / sizeof(alt[0])) {
			buf_puts(&b, alt[i].to);
			s += strlen(alt[i].from);
		} else
			buf_putc(&b, *s++);
	}
	return b.data;
}

/* Drops white space between '>' and '<' and at both ends. */
static const char *
squeeze(const char *s)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b, ar, strlen(s) + 1);
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	while (*s != '\0') {
		if (*s == '>') {
			buf_putc(&b, *s++);
			for (p = s; *p == ' ' || *p == '\t' || *p == '\n' ||
			    *p == '\r'; p++)
				;
			if (*p == '<' || *p == '\0')
				s = p;
			continue;
		}
		buf_putc(&b, *s++);
	}
	while (b.len > 0 && (b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\t' ||
	    b.data[b.len - 1] == '\r'))
		b.data[--b.len] = '\0';
	return b.data;
}

/* Everything after a leading "<!DOCTYPE html>" and white space. */
static const char *
after_doctype(const char *s)
{
	const char	*dt = "<!DOCTYPE html>";

	ck_assert_msg(strncmp(s, dt, strlen(dt)) == 0,
	    "no doctype at the start of \"%s\"", s);
	s += strlen(dt);
	while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t')
		s++;
	return squeeze(s);
}

static size_t
count(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* The render context of docs/templates.md, "Values", around view. */
static json_t *
ctx(json_t *view)
{
	json_t	*root;

	root = json_pack("{s:o, s:{s:s, s:i}, s:{s:s, s:s, s:s},"
	    " s:{s:s, s:s, s:s}, s:n}",
	    "view", view != NULL ? view : json_object(),
	    "page", "title", "Hello", "status", 200,
	    "site", "name", "Innkeep", "version", "1.2.3",
	    "base_url", "https://innkeep.test",
	    "request", "path", "/search", "query", "loft",
	    "csrf_token", "tok123",
	    "me");
	ck_assert_ptr_nonnull(root);
	return root;
}

static struct tmpl *
compile(const char *xml, const char *dir)
{
	struct tmpl	*t;

	errbuf[0] = '\0';
	t = tmpl_compile("page", xml, strlen(xml), dir, errbuf,
	    sizeof(errbuf));
	ck_assert_msg(t != NULL, "does not compile: %s\n%s", errbuf, xml);
	return t;
}

static const char *
render(const char *xml, const char *dir, const json_t *root)
{
	struct tmpl	*t;
	struct buf	 b;

	t = compile(xml, dir);
	buf_init(&b, ar, 256);
	tmpl_render(t, root, &b);
	tmpl_destroy(t);
	ck_assert_uint_eq(strlen(b.data), b.len);
	return norm(b.data);
}

/* "file:LINE: " with a non-empty file and a number. */
static int
err_shaped(const char *e)
{
	const char	*p = strchr(e, ':');

	if (p == NULL || p == e)
		return 0;
	if (*++p < '0' || *p > '9')
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == ':';
}

/*
 * xml must not compile; the message starts "page:LINE:" (any file:line
 * when line is 0) and holds one of the keywords, case aside.  The list of
 * keywords ends with NULL.
 */
static void
fails(const char *xml, const char *dir, int line, ...)
{
	struct tmpl	*t;
	char		 prefix[32];
	const char	*kw;
	va_list		 ap;
	int		 found = 0;

	memset(errbuf, 'Z', sizeof(errbuf) - 1);
	errbuf[sizeof(errbuf) - 1] = '\0';
	t = tmpl_compile("page", xml, strlen(xml), dir, errbuf,
	    sizeof(errbuf));
	if (t != NULL)
		tmpl_destroy(t);
	ck_assert_msg(t == NULL, "compiles but should not:\n%s", xml);
	ck_assert_msg(errbuf[0] != 'Z' && errbuf[0] != '\0',
	    "no message for:\n%s", xml);
	if (line > 0) {
		snprintf(prefix, sizeof(prefix), "page:%d:", line);
		ck_assert_msg(strncmp(errbuf, prefix, strlen(prefix)) == 0,
		    "want \"%s\" at the start of \"%s\" for:\n%s", prefix,
		    errbuf, xml);
	} else
		ck_assert_msg(err_shaped(errbuf),
		    "not \"file:line: message\": \"%s\"", errbuf);
	va_start(ap, line);
	while ((kw = va_arg(ap, const char *)) != NULL)
		if (strcasestr(errbuf, kw) != NULL)
			found = 1;
	va_end(ap);
	ck_assert_msg(found, "no expected keyword in \"%s\" for:\n%s",
	    errbuf, xml);
}

static const char *
esc_text(const char *s, size_t n)
{
	struct buf	 b;

	buf_init(&b, ar, 16);
	tmpl_escape_text(&b, s, n);
	ck_assert_uint_eq(strlen(b.data), b.len);
	return norm(b.data);
}

static const char *
esc_attr(const char *s, size_t n)
{
	struct buf	 b;

	buf_init(&b, ar, 16);
	tmpl_escape_attr(&b, s, n);
	ck_assert_uint_eq(strlen(b.data), b.len);
	return norm(b.data);
}

/* ---- core ---------------------------------------------------------- */

START_TEST(test_static_markup)
{
	json_t	*r = ctx(NULL);

	EQ(r, "<p class=\"c\" id=\"x\">Hello <b>world</b>!</p>",
	    "<p class=\"c\" id=\"x\">Hello <b>world</b>!</p>");
	/* Comments are left out, the text around them kept. */
	EQ(r, "<p>a<!-- secret -->b</p><!-- gone -->", "<p>ab</p>");
	/* A fragment root is not a document: no doctype. */
	ck_assert_ptr_null(strstr(render(FRAG("<p>x</p>"), NULL, r),
	    "DOCTYPE"));
}
END_TEST

START_TEST(test_namespaces_removed)
{
	json_t		*r = ctx(json_pack("{s:s, s:b, s:[s]}", "s", "v",
			    "yes", 1, "items", "i"));
	const char	*out;

	out = render(FRAG("<p t:if=\"view.yes\" t:attr-title=\"view.s\""
	    " t:text=\"view.s\">x</p><ul><li t:each=\"x in view.items\""
	    " t:text=\"x\">y</li></ul><span t:omit-tag=\"\">z</span>"
	    "<em t:unless=\"view.yes\">n</em>"), NULL, r);
	ck_assert_str_eq(out, "<div><p title=\"v\">v</p><ul><li>i</li></ul>"
	    "z</div>");
	ck_assert_ptr_null(strstr(out, "xmlns"));
	ck_assert_ptr_null(strstr(out, "t:"));
	ck_assert_ptr_null(strstr(out, "innkeep.org"));
}
END_TEST

START_TEST(test_text)
{
	json_t	*r = ctx(json_pack("{s:s, s:s}", "name", "Alice",
		    "empty", ""));

	EQ(r, "<p t:text=\"view.name\">Bob <b>bold</b></p>", "<p>Alice</p>");
	EQ(r, "<p t:text=\"view.missing\">Bob</p>", "<p></p>");
	EQ(r, "<p t:text=\"view.empty\">Bob</p>", "<p></p>");
	EQ(r, "<p class=\"k\" t:text=\"page.title\"/>",
	    "<p class=\"k\">Hello</p>");
	/* Every root of the context. */
	EQ(r, "<i t:text=\"page.status\"/><i t:text=\"site.name\"/>"
	    "<i t:text=\"site.version\"/><i t:text=\"site.base_url\"/>"
	    "<i t:text=\"request.path\"/><i t:text=\"request.query\"/>"
	    "<i t:text=\"request.csrf_token\"/><i t:text=\"me.username\"/>",
	    "<i>200</i><i>Innkeep</i><i>1.2.3</i>"
	    "<i>https://innkeep.test</i><i>/search</i><i>loft</i>"
	    "<i>tok123</i><i></i>");
}
END_TEST

START_TEST(test_me)
{
	json_t	*r = ctx(NULL);

	EQ(r, "<b t:if=\"me\">in</b><b t:unless=\"me\">out</b>",
	    "<b>out</b>");
	json_object_set_new(r, "me", json_pack("{s:i, s:s, s:s}", "id", 3,
	    "username", "alice", "display_name", "Alice A."));
	EQ(r, "<b t:if=\"me\" t:text=\"me.display_name\">in</b>"
	    "<b t:unless=\"me\">out</b><i t:text=\"me.id\"/>",
	    "<b>Alice A.</b><i>3</i>");
}
END_TEST

START_TEST(test_print_values)
{
	json_t	*r = ctx(json_pack("{s:i, s:i, s:i, s:I, s:f, s:f, s:b, s:b,"
		    " s:n, s:s}", "n", 42, "neg", -7, "zero", 0,
		    "big", (json_int_t)9223372036854775807LL, "real", 2.5,
		    "nreal", -0.5, "t", 1, "f", 0, "nul", "s", "str"));

	EQ(r, "<i t:text=\"view.n\"/><i t:text=\"view.neg\"/>"
	    "<i t:text=\"view.zero\"/><i t:text=\"view.big\"/>"
	    "<i t:text=\"view.real\"/><i t:text=\"view.nreal\"/>"
	    "<i t:text=\"view.t\"/><i t:text=\"view.f\"/>"
	    "<i t:text=\"view.nul\"/><i t:text=\"view.s\"/>"
	    "<i t:text=\"view.missing\"/>",
	    "<i>42</i><i>-7</i><i>0</i><i>9223372036854775807</i>"
	    "<i>2.5</i><i>-0.5</i><i>true</i><i>false</i><i></i>"
	    "<i>str</i><i></i>");
}
END_TEST

START_TEST(test_attr)
{
	json_t	*r = ctx(json_pack("{s:s, s:s, s:i, s:i, s:b, s:b, s:n}",
		    "s", "new", "empty", "", "n", 42, "zero", 0, "t", 1,
		    "f", 0, "nul"));

	EQ(r, "<i t:attr-title=\"view.s\"/>", "<i title=\"new\"></i>");
	EQ(r, "<i t:attr-title=\"view.n\"/>", "<i title=\"42\"></i>");
	EQ(r, "<i t:attr-title=\"view.zero\"/>", "<i title=\"0\"></i>");
	EQ(r, "<i t:attr-title=\"view.empty\"/>", "<i title=\"\"></i>");
	EQ(r, "<i t:attr-title=\"view.t\"/>", "<i title></i>");
	EQ(r, "<i t:attr-title=\"view.f\"/>", "<i></i>");
	EQ(r, "<i t:attr-title=\"view.nul\"/>", "<i></i>");
	EQ(r, "<i t:attr-title=\"view.missing\"/>", "<i></i>");
	/* Boolean attributes, after the static ones. */
	EQ(r, "<input type=\"checkbox\" t:attr-checked=\"view.t\"/>",
	    "<input type=\"checkbox\" checked>");
	EQ(r, "<input type=\"checkbox\" t:attr-checked=\"view.f\"/>",
	    "<input type=\"checkbox\">");
	EQ(r, "<input type=\"checkbox\" t:attr-checked=\"view.nul\"/>",
	    "<input type=\"checkbox\">");
	/* Several on one element. */
	EQ(r, "<i t:attr-title=\"view.s\" t:attr-hidden=\"view.t\""
	    " t:attr-lang=\"view.nul\"/>",
	    "<i title=\"new\" hidden></i>");
}
END_TEST

START_TEST(test_attr_replaces_static)
{
	json_t		*r = ctx(json_pack("{s:s, s:b, s:b}", "s", "new",
			    "t", 1, "f", 0));
	const char	*out;

	out = render(FRAG("<input type=\"text\" value=\"old\""
	    " t:attr-value=\"view.s\" name=\"q\"/>"), NULL, r);
	ck_assert_ptr_nonnull(strstr(out, " value=\"new\""));
	ck_assert_ptr_null(strstr(out, "old"));
	ck_assert_uint_eq(count(out, "value"), 1);
	ck_assert_ptr_nonnull(strstr(out, " type=\"text\""));
	ck_assert_ptr_nonnull(strstr(out, " name=\"q\""));
	ck_assert_ptr_nonnull(strstr(out, "<input "));
	ck_assert_ptr_null(strstr(out, "</input>"));

	/* false, null and a missing value take the static one out too. */
	out = render(FRAG("<input type=\"checkbox\" checked=\"checked\""
	    " t:attr-checked=\"view.f\"/>"), NULL, r);
	ck_assert_str_eq(out, "<div><input type=\"checkbox\"></div>");
	out = render(FRAG("<select><option selected=\"selected\""
	    " t:attr-selected=\"view.missing\">a</option></select>"), NULL,
	    r);
	ck_assert_str_eq(out, "<div><select><option>a</option></select>"
	    "</div>");
	out = render(FRAG("<input type=\"checkbox\" checked=\"checked\""
	    " t:attr-checked=\"view.t\"/>"), NULL, r);
	ck_assert_uint_eq(count(out, "checked"), 1);
	ck_assert_ptr_null(strstr(out, "checked="));
}
END_TEST

START_TEST(test_if_unless)
{
	json_t	*r = ctx(json_pack("{s:b, s:b}", "yes", 1, "no", 0));

	EQ(r, "<p t:if=\"view.yes\">a</p><p t:if=\"view.no\">b</p>"
	    "<p t:unless=\"view.yes\">c</p><p t:unless=\"view.no\">d</p>"
	    "<p t:if=\"view.missing\">e</p><p t:unless=\"view.missing\">f</p>",
	    "<p>a</p><p>d</p><p>f</p>");
	/* The element goes with all below it; its neighbours stay. */
	EQ(r, "x<p t:if=\"view.no\">b<i>c</i></p>y", "xy");
	EQ(r, "<p t:if=\"view.yes\"><i t:if=\"view.no\">no</i>"
	    "<b t:unless=\"view.no\">ok</b></p>", "<p><b>ok</b></p>");
}
END_TEST

START_TEST(test_truth)
{
	static const char *const	 names[] = {
		"null", "false", "\"\"", "0", "0.0", "[]", "{}", "missing",
		"true", "\"0\"", "\"false\"", "\" \"", "1", "-1", "0.5",
		"[0]", "{\"a\":null}", "\"x\"", "[[]]",
	};
	json_t	*vals[sizeof(names) / sizeof(names[0])];
	json_t	*view, *r;
	size_t	 i;

	vals[0] = json_null();
	vals[1] = json_false();
	vals[2] = json_string("");
	vals[3] = json_integer(0);
	vals[4] = json_real(0.0);
	vals[5] = json_array();
	vals[6] = json_object();
	vals[7] = NULL;
	vals[8] = json_true();
	vals[9] = json_string("0");
	vals[10] = json_string("false");
	vals[11] = json_string(" ");
	vals[12] = json_integer(1);
	vals[13] = json_integer(-1);
	vals[14] = json_real(0.5);
	vals[15] = json_pack("[i]", 0);
	vals[16] = json_pack("{s:n}", "a");
	vals[17] = json_string("x");
	vals[18] = json_pack("[[]]");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		view = json_object();
		if (vals[i] != NULL)
			json_object_set_new(view, "v", vals[i]);
		r = ctx(view);
		ck_assert_msg(strcmp(render(FRAG("<b t:if=\"view.v\">T</b>"
		    "<b t:unless=\"view.v\">F</b>"), NULL, r),
		    i < 8 ? "<div><b>F</b></div>" : "<div><b>T</b></div>") ==
		    0, "truth of %s: want %s", names[i], i < 8 ? "false" :
		    "true");
	}
}
END_TEST

START_TEST(test_paths)
{
	json_t	*r = ctx(json_pack("{s:{s:{s:s}}, s:[ss], s:s, s:i,"
		    " s:[{s:s}]}", "a", "b", "c", "deep", "items", "zero",
		    "one", "s", "str", "n", 5, "objs", "name", "first"));

	EQ(r, "<i t:text=\"view.a.b.c\"/>", "<i>deep</i>");
	EQ(r, "<i t:text=\"view.items.0\"/><i t:text=\"view.items.1\"/>",
	    "<i>zero</i><i>one</i>");
	EQ(r, "<i t:text=\"view.objs.0.name\"/>", "<i>first</i>");
	/* Nothing found is null: it prints as nothing and is false. */
	EQ(r, "<i t:text=\"view.items.2\"/><i t:text=\"view.s.x\"/>"
	    "<i t:text=\"view.n.x\"/><i t:text=\"view.a.x.y\"/>"
	    "<i t:text=\"view.a.b.c.d\"/><i t:text=\"view.objs.9.name\"/>"
	    "<i t:text=\"view.items.x\"/>",
	    "<i></i><i></i><i></i><i></i><i></i><i></i><i></i>");
	EQ(r, "<i t:if=\"view.items.2\">a</i><i t:if=\"view.s.x\">b</i>"
	    "<i t:if=\"view.items.1\">c</i>", "<i>c</i>");
	EQ(r, "<i t:attr-title=\"view.a.x\" t:attr-lang=\"view.s.x\"/>",
	    "<i></i>");
}
END_TEST

START_TEST(test_each)
{
	json_t	*r = ctx(json_pack("{s:[sss], s:[{s:s, s:s}, {s:s}], s:[],"
		    " s:n, s:{s:s}, s:s, s:i}", "items", "a", "b", "c",
		    "objs", "name", "x", "cls", "on", "name", "y", "empty",
		    "nul", "obj", "k", "v", "str", "abc", "num", 3));

	EQ(r, "<ul><li t:each=\"x in view.items\" t:text=\"x\">p</li></ul>",
	    "<ul><li>a</li><li>b</li><li>c</li></ul>");
	EQ(r, "<a t:each=\"o in view.objs\" t:attr-class=\"o.cls\""
	    " t:text=\"o.name\"/>", "<a class=\"on\">x</a><a>y</a>");
	/* Nothing for an empty array, null or a non-array. */
	EQ(r, "<ul><li t:each=\"x in view.empty\">p</li></ul>", "<ul></ul>");
	EQ(r, "<ul><li t:each=\"x in view.nul\">p</li></ul>", "<ul></ul>");
	EQ(r, "<ul><li t:each=\"x in view.missing\">p</li></ul>",
	    "<ul></ul>");
	EQ(r, "<ul><li t:each=\"x in view.obj\">p</li></ul>", "<ul></ul>");
	EQ(r, "<ul><li t:each=\"x in view.str\">p</li></ul>", "<ul></ul>");
	EQ(r, "<ul><li t:each=\"x in view.num\">p</li></ul>", "<ul></ul>");
	/* The other roots are still there inside the loop. */
	EQ(r, "<p t:each=\"x in view.items\"><b t:text=\"x\"/>"
	    "<i t:text=\"site.name\"/></p>",
	    "<p><b>a</b><i>Innkeep</i></p><p><b>b</b><i>Innkeep</i></p>"
	    "<p><b>c</b><i>Innkeep</i></p>");
	/* Static children repeat with the element. */
	EQ(r, "<p t:each=\"x in view.items\">-</p>", "<p>-</p><p>-</p><p>-</p>");
	EQ(r, "<b t:each=\"x in view.items\" t:omit-tag=\"\" t:text=\"x\"/>",
	    "abc");
}
END_TEST

START_TEST(test_each_nested)
{
	json_t	*r = ctx(json_pack("{s:[{s:s, s:[ss]}, {s:s, s:[]},"
		    " {s:s, s:[s]}]}", "rows", "name", "r1", "cells", "1",
		    "2", "name", "r2", "cells", "name", "r3", "cells", "3"));

	EQ(r, "<div t:each=\"r in view.rows\"><b t:text=\"r.name\"/>"
	    "<i t:each=\"c in r.cells\" t:text=\"c\"/></div>",
	    "<div><b>r1</b><i>1</i><i>2</i></div><div><b>r2</b></div>"
	    "<div><b>r3</b><i>3</i></div>");
	/* The outer variable inside the inner loop. */
	EQ(r, "<p t:each=\"r in view.rows\"><i t:each=\"c in r.cells\">"
	    "<b t:text=\"r.name\"/><u t:text=\"c\"/></i></p>",
	    "<p><i><b>r1</b><u>1</u></i><i><b>r1</b><u>2</u></i></p><p></p>"
	    "<p><i><b>r3</b><u>3</u></i></p>");
	/* The same list twice, one inside the other. */
	EQ(r, "<p t:each=\"a in view.rows\"><i t:each=\"b in view.rows\""
	    " t:text=\"b.name\"/></p>",
	    "<p><i>r1</i><i>r2</i><i>r3</i></p>"
	    "<p><i>r1</i><i>r2</i><i>r3</i></p>"
	    "<p><i>r1</i><i>r2</i><i>r3</i></p>");
}
END_TEST

START_TEST(test_each_many)
{
	json_t		*arr = json_array();
	const char	*out;
	int		 i;

	for (i = 0; i < 1000; i++)
		json_array_append_new(arr, json_integer(i));
	out = render(FRAG("<i t:each=\"n in view.ns\" t:text=\"n\"/>"), NULL,
	    ctx(json_pack("{s:o}", "ns", arr)));
	ck_assert_uint_eq(count(out, "<i>"), 1000);
	ck_assert_ptr_nonnull(strstr(out, "<div><i>0</i><i>1</i>"));
	ck_assert_ptr_nonnull(strstr(out, "<i>999</i></div>"));
}
END_TEST

START_TEST(test_directive_order)
{
	json_t	*r = ctx(json_pack("{s:[{s:s, s:b, s:s}, {s:s, s:b, s:s},"
		    " {s:s, s:b}]}", "objs", "name", "x", "on", 1, "cls", "c1",
		    "name", "y", "on", 0, "cls", "c2", "name", "z", "on", 1));

	/* t:each, then t:if / t:unless, then attributes, then t:text. */
	EQ(r, "<li t:each=\"o in view.objs\" t:if=\"o.on\""
	    " t:attr-class=\"o.cls\" t:text=\"o.name\">p</li>",
	    "<li class=\"c1\">x</li><li>z</li>");
	EQ(r, "<li t:each=\"o in view.objs\" t:unless=\"o.on\""
	    " t:attr-class=\"o.cls\" t:text=\"o.name\">p</li>",
	    "<li class=\"c2\">y</li>");
	/* The order is the language's, not the source's. */
	EQ(r, "<li t:text=\"o.name\" t:attr-class=\"o.cls\" t:if=\"o.on\""
	    " t:each=\"o in view.objs\">p</li>",
	    "<li class=\"c1\">x</li><li>z</li>");
	EQ(r, "<li t:each=\"o in view.objs\" t:if=\"o.on\" t:omit-tag=\"\""
	    " t:text=\"o.name\">p</li>", "xz");
}
END_TEST

START_TEST(test_omit_tag_with_attr)
{
	/*
	 * docs/templates.md, Errors: the attribute would have no tag to go
	 * on, which is a mistake in the template, not something to drop.
	 */
	fails("<ul " NS ">\n<li t:each=\"o in view.objs\" t:omit-tag=\"\""
	    " t:attr-class=\"o.cls\" t:text=\"o.name\">p</li>\n</ul>", NULL, 2,
	    "attr", NULL);
}
END_TEST

START_TEST(test_omit_tag)
{
	json_t	*r = ctx(json_pack("{s:s, s:b}", "s", "<", "no", 0));

	EQ(r, "<span t:omit-tag=\"\" class=\"x\">a<b>b</b>c</span>",
	    "a<b>b</b>c");
	EQ(r, "<span t:omit-tag=\"\" t:text=\"view.s\">p</span>", "&lt;");
	EQ(r, "<p><span t:omit-tag=\"\"><span t:omit-tag=\"\">x</span>"
	    "</span></p>", "<p>x</p>");
	EQ(r, "<span t:omit-tag=\"\" t:if=\"view.no\">gone</span>", "");
	EQ(r, "<span t:omit-tag=\"\"/>", "");
	ck_assert_str_eq(render("<div " NS " t:omit-tag=\"\">x<b>y</b>"
	    "</div>", NULL, r), "x<b>y</b>");
}
END_TEST

START_TEST(test_include)
{
	json_t	*r = ctx(json_pack("{s:s, s:b, s:b}", "name", "World",
		    "yes", 1, "no", 0));

	/* The partial's root element replaces the including element. */
	EQD(r, "<span t:include=\"hello\">x</span>",
	    "<b class=\"hello\">World</b>");
	EQD(r, "<span t:include=\"hello\"/><span t:include=\"hello\"/>",
	    "<b class=\"hello\">World</b><b class=\"hello\">World</b>");
	EQD(r, "<span t:include=\"outer\"/>",
	    "<section><i>outer</i><b class=\"hello\">World</b></section>");
	EQD(r, "<span t:if=\"view.no\" t:include=\"hello\"/>", "");
	EQD(r, "<span t:if=\"view.yes\" t:include=\"hello\"/>",
	    "<b class=\"hello\">World</b>");
	EQD(r, "<span t:unless=\"view.yes\" t:include=\"hello\"/>", "");
}
END_TEST

START_TEST(test_include_loop_var)
{
	json_t		*r = ctx(json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s,"
			    " s:n}]}", "items", "name", "Loft & co", "url",
			    "/p/1", "city", "Lisbon", "name", "Evil", "url",
			    "javascript:alert(1)", "city"));
	const char	*out;

	/* The partial sees the loop variable of the including page. */
	out = render(FRAG("<div t:each=\"p in view.items\""
	    " t:include=\"card\"/>"), TMPL_TEST_DIR, r);
	ck_assert_str_eq(squeeze(out), "<div><article class=\"card\"><h2>"
	    "<a href=\"/p/1\">Loft &amp; co</a></h2><p>Lisbon</p></article>"
	    "<article class=\"card\"><h2><a href=\"#\">Evil</a></h2>"
	    "</article></div>");
}
END_TEST

START_TEST(test_include_depth_8)
{
	const char	*out;

	/* n2 includes n3 ... n9: eight deep, the most allowed. */
	out = render(FRAG("<span t:include=\"n2\"/>"), TMPL_TEST_DIR,
	    ctx(NULL));
	ck_assert_str_eq(out, "<div><i class=\"n2\"><i class=\"n3\">"
	    "<i class=\"n4\"><i class=\"n5\"><i class=\"n6\"><i class=\"n7\">"
	    "<i class=\"n8\"><i class=\"n9\">leaf</i></i></i></i></i></i></i>"
	    "</i></div>");
}
END_TEST

START_TEST(test_layout)
{
	json_t		*r = ctx(json_pack("{s:s}", "s", "found"));
	const char	*out;

	out = render("<html " NS " t:layout=\"layout\" lang=\"fr\">"
	    "<head><title t:fill=\"title\">Search</title></head>"
	    "<body><p>left out</p><section t:fill=\"main\">"
	    "<p t:text=\"view.s\">x</p><i>and</i></section></body></html>",
	    TMPL_TEST_DIR, r);
	/* The layout's page with the fills; "foot" keeps its default. */
	ck_assert_str_eq(after_doctype(out), "<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><title>Search</title></head><body>"
	    "<header>Innkeep</header><main><p>found</p><i>and</i></main>"
	    "<footer>Default foot</footer></body></html>");
	ck_assert_uint_eq(count(out, "DOCTYPE"), 1);
}
END_TEST

START_TEST(test_layout_fragment)
{
	json_t	*r = ctx(json_pack("{s:[ss]}", "items", "a", "b"));

	/* A layout whose root is not <html>; fills hold directives. */
	ck_assert_str_eq(render("<div " NS " t:layout=\"box\">"
	    "<span t:fill=\"title\">T <b t:text=\"page.title\"/></span>"
	    "<p>left out</p>"
	    "<ul t:fill=\"main\"><li t:each=\"x in view.items\" t:text=\"x\"/>"
	    "</ul></div>", TMPL_TEST_DIR, r),
	    "<div class=\"box\"><h1>T <b>Hello</b></h1><main><li>a</li>"
	    "<li>b</li></main><footer><span>Innkeep</span></footer></div>");
	/* No fills at all: every slot shows its default. */
	ck_assert_str_eq(render("<div " NS " t:layout=\"box\"/>",
	    TMPL_TEST_DIR, r), "<div class=\"box\"><h1>Default title</h1>"
	    "<main><p>Default main</p></main><footer><span>Innkeep</span>"
	    "</footer></div>");
	/* An empty fill empties the slot. */
	ck_assert_str_eq(render("<div " NS " t:layout=\"box\">"
	    "<div t:fill=\"main\"/></div>", TMPL_TEST_DIR, r),
	    "<div class=\"box\"><h1>Default title</h1><main></main><footer>"
	    "<span>Innkeep</span></footer></div>");
}
END_TEST

START_TEST(test_slot_in_page)
{
	/* Any page can serve as a layout; rendered itself, it shows the
	 * defaults. */
	EQ(ctx(NULL), "<h1 t:slot=\"title\">Default <i>t</i></h1>"
	    "<main t:slot=\"main\"/>",
	    "<h1>Default <i>t</i></h1><main></main>");
}
END_TEST

START_TEST(test_spec_example)
{
	json_t		*r = ctx(json_pack("{s:[{s:s, s:s, s:s}, {s:s, s:s,"
			    " s:n}]}", "items", "name", "Loft & co", "url",
			    "/p/1", "city", "Lisbon", "name", "Evil", "url",
			    "javascript:alert(1)", "city"));
	const char	*page =
	    "<html xmlns=\"http://www.w3.org/1999/xhtml\"\n"
	    "      xmlns:t=\"https://innkeep.org/ns/template\""
	    " t:layout=\"layout\" lang=\"en\">\n"
	    "  <head><title t:fill=\"title\">Search</title></head>\n"
	    "  <body>\n"
	    "    <section t:fill=\"main\">\n"
	    "      <p t:unless=\"view.items\">Nothing matches.</p>\n"
	    "      <div t:each=\"p in view.items\" t:omit-tag=\"\">"
	    "<div t:include=\"card\"/></div>\n"
	    "    </section>\n"
	    "  </body>\n"
	    "</html>\n";

	ck_assert_str_eq(after_doctype(render(page, TMPL_TEST_DIR, r)),
	    "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Search"
	    "</title></head><body><header>Innkeep</header><main>"
	    "<article class=\"card\"><h2><a href=\"/p/1\">Loft &amp; co</a>"
	    "</h2><p>Lisbon</p></article><article class=\"card\"><h2>"
	    "<a href=\"#\">Evil</a></h2></article></main>"
	    "<footer>Default foot</footer></body></html>");
	json_object_set_new(json_object_get(r, "view"), "items",
	    json_array());
	ck_assert_str_eq(after_doctype(render(page, TMPL_TEST_DIR, r)),
	    "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Search"
	    "</title></head><body><header>Innkeep</header><main>"
	    "<p>Nothing matches.</p></main><footer>Default foot</footer>"
	    "</body></html>");
}
END_TEST

START_TEST(test_html5_document)
{
	json_t		*r = ctx(NULL);
	const char	*out;

	out = render("<html " NS " lang=\"en\"><head><title>x</title>"
	    "</head><body><p>y</p></body></html>", NULL, r);
	ck_assert_str_eq(after_doctype(out), "<html lang=\"en\"><head>"
	    "<title>x</title></head><body><p>y</p></body></html>");
	/* A doctype in the source does not make a second one. */
	out = render("<!DOCTYPE html>\n<html " NS "><body><p>y</p></body>"
	    "</html>", NULL, r);
	ck_assert_str_eq(after_doctype(out),
	    "<html><body><p>y</p></body></html>");
	ck_assert_uint_eq(count(out, "<!DOCTYPE"), 1);
	/* Nor does an XML declaration survive. */
	out = render("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html " NS
	    "><body/></html>", NULL, r);
	ck_assert_str_eq(after_doctype(out), "<html><body></body></html>");
	ck_assert_ptr_null(strstr(out, "<?xml"));
}
END_TEST

START_TEST(test_void_elements)
{
	json_t	*r = ctx(json_pack("{s:s}", "u", "/a.png"));

	EQ(r, "<p>a<br/>b</p>", "<p>a<br>b</p>");
	EQ(r, "<br></br>", "<br>");
	EQ(r, "<img src=\"/a.png\" alt=\"\"/>", "<img src=\"/a.png\" alt=\"\">");
	EQ(r, "<img t:attr-src=\"view.u\"/>", "<img src=\"/a.png\">");
	EQ(r, "<input type=\"text\" name=\"q\"/>",
	    "<input type=\"text\" name=\"q\">");
	EQ(r, "<meta charset=\"utf-8\"/>", "<meta charset=\"utf-8\">");
	EQ(r, "<link rel=\"stylesheet\" href=\"/s.css\"/>",
	    "<link rel=\"stylesheet\" href=\"/s.css\">");
	EQ(r, "<hr/><wbr/><area/><base href=\"/\"/><col/><embed/>"
	    "<source/><track/>",
	    "<hr><wbr><area><base href=\"/\"><col><embed><source><track>");
}
END_TEST

START_TEST(test_empty_elements)
{
	json_t	*r = ctx(NULL);

	EQ(r, "<textarea name=\"t\"/>", "<textarea name=\"t\"></textarea>");
	EQ(r, "<textarea name=\"t\"></textarea>",
	    "<textarea name=\"t\"></textarea>");
	EQ(r, "<div/>", "<div></div>");
	EQ(r, "<script src=\"/a.js\"/>", "<script src=\"/a.js\"></script>");
	EQ(r, "<span/><p/><a href=\"/\"/><i></i><title/><ul/>",
	    "<span></span><p></p><a href=\"/\"></a><i></i><title></title>"
	    "<ul></ul>");
	EQ(r, "<p t:text=\"view.missing\"/>", "<p></p>");
}
END_TEST

START_TEST(test_script_style_raw_text)
{
	json_t	*r = ctx(NULL);

	/* HTML5 raw text: what the XML source means, unescaped. */
	EQ(r, "<script>if (a &lt; b &amp;&amp; c &gt; d) f();</script>",
	    "<script>if (a < b && c > d) f();</script>");
	EQ(r, "<style>ul > li { color: red }</style>",
	    "<style>ul > li { color: red }</style>");
	EQ(r, "<script><![CDATA[x = a < b && c;]]></script>",
	    "<script>x = a < b && c;</script>");
}
END_TEST

START_TEST(test_static_reescaped)
{
	json_t	*r = ctx(NULL);

	EQ(r, "<i title=\"a &amp; b &lt; c &gt; d &quot;q&quot; it's\"/>",
	    "<i title=\"a &amp; b &lt; c &gt; d &quot;q&quot; it&#39;s\"></i>");
	EQ(r, "<i title='say \"hi\"'/>", "<i title=\"say &quot;hi&quot;\"></i>");
	EQ(r, "<a href=\"/s?a=1&amp;b=2\">x</a>",
	    "<a href=\"/s?a=1&amp;b=2\">x</a>");
	EQ(r, "<p>a &amp; b &lt; c &gt; d</p>",
	    "<p>a &amp; b &lt; c &gt; d</p>");
	EQ(r, "<p>x > y</p>", "<p>x &gt; y</p>");
	EQ(r, "<p><![CDATA[<b>&]]></p>", "<p>&lt;b&gt;&amp;</p>");
	/* Character references become the characters, in UTF-8. */
	EQ(r, "<p title=\"&#233;\">&#233;&#x65E5;&#x1F600;&#38;</p>",
	    "<p title=\"\xc3\xa9\">\xc3\xa9\xe6\x97\xa5\xf0\x9f\x98\x80&amp;"
	    "</p>");
}
END_TEST

START_TEST(test_render_appends)
{
	json_t		*r = ctx(json_pack("{s:s}", "s", "v"));
	struct tmpl	*t;
	struct buf	 b;

	t = compile(FRAG("<p t:text=\"view.s\"/>"), NULL);
	buf_init(&b, ar, 8);
	buf_puts(&b, "before|");
	tmpl_render(t, r, &b);
	buf_puts(&b, "|");
	/* A compiled template is read-only: the same output twice. */
	tmpl_render(t, r, &b);
	tmpl_destroy(t);
	ck_assert_str_eq(b.data, "before|<div><p>v</p></div>|"
	    "<div><p>v</p></div>");
}
END_TEST

/* ---- escaping ------------------------------------------------------ */

START_TEST(test_text_values_escaped)
{
	json_t	*r = ctx(json_pack("{s:s, s:s}", "s",
		    "<script>alert(\"x\")&'</script>", "amp", "&amp;"));

	EQ(r, "<p t:text=\"view.s\"/>",
	    "<p>&lt;script&gt;alert(&quot;x&quot;)&amp;&#39;&lt;/script&gt;"
	    "</p>");
	/* Values are text, not markup: an entity in one is printed. */
	EQ(r, "<p t:text=\"view.amp\"/>", "<p>&amp;amp;</p>");
}
END_TEST

START_TEST(test_attr_values_escaped)
{
	json_t	*r = ctx(json_pack("{s:s, s:s}", "s",
		    "\" onmouseover=\"alert(1)\" x='<>&", "u",
		    "/s?a=1&b=<x>\"'"));

	EQ(r, "<i t:attr-title=\"view.s\"/>",
	    "<i title=\"&quot; onmouseover=&quot;alert(1)&quot; "
	    "x=&#39;&lt;&gt;&amp;\"></i>");
	EQ(r, "<a t:attr-href=\"view.u\">x</a>",
	    "<a href=\"/s?a=1&amp;b=&lt;x&gt;&quot;&#39;\">x</a>");
	EQ(r, "<input type=\"hidden\" t:attr-value=\"request.csrf_token\"/>",
	    "<input type=\"hidden\" value=\"tok123\">");
}
END_TEST

START_TEST(test_non_ascii)
{
	/* é, 日本, U+1F600 */
	json_t	*r = ctx(json_pack("{s:s}", "s",
		    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80"));

	EQ(r, "<p t:text=\"view.s\" t:attr-title=\"view.s\"/>",
	    "<p title=\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\">"
	    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80</p>");
	EQ(r, "<p title=\"\xc3\xa9\xe6\x97\xa5\">\xe6\x97\xa5\xe6\x9c\xac"
	    " \xf0\x9f\x98\x80</p>",
	    "<p title=\"\xc3\xa9\xe6\x97\xa5\">\xe6\x97\xa5\xe6\x9c\xac"
	    " \xf0\x9f\x98\x80</p>");
	EQ(r, "<a t:attr-href=\"view.s\"/>",
	    "<a href=\"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80\">"
	    "</a>");
}
END_TEST

static const char *const bad_urls[] = {
	"javascript:alert(1)", "JAVASCRIPT:alert(1)", "JavaScript:alert(1)",
	" javascript:alert(1)", "\tjavascript:alert(1)",
	"\njavascript:alert(1)", "java\tscript:alert(1)",
	"java\nscript:alert(1)", "java\rscript:alert(1)",
	"javascript\x01:alert(1)", "data:text/html,<script>alert(1)</script>",
	"DATA:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)",
	"VBScript:msgbox(1)", "ftp://example.org/x", "file:///etc/passwd",
	"foo:bar", " /x", "/x\x01y", "/x\x7fy", "http://x/\ny",
};

static const struct {
	const char	*url;
	const char	*out;		/* as written in the attribute */
} good_urls[] = {
	{ "http://example.org/a?b=1&c=2", "http://example.org/a?b=1&amp;c=2" },
	{ "https://example.org/", "https://example.org/" },
	{ "HTTPS://EXAMPLE.ORG/", "HTTPS://EXAMPLE.ORG/" },
	{ "mailto:a@example.org", "mailto:a@example.org" },
	{ "/x", "/x" },
	{ "x?y", "x?y" },
	{ "#frag", "#frag" },
	{ "//host/x", "//host/x" },
	{ "?q=1", "?q=1" },
	{ "a/b:c", "a/b:c" },
	{ "./javascript:x", "./javascript:x" },
	{ "/caf\xc3\xa9", "/caf\xc3\xa9" },
};

static const struct {
	const char	*elem;
	const char	*attr;
	int		 isvoid;
} url_attrs[] = {
	{ "a", "href", 0 }, { "link", "href", 1 }, { "img", "src", 1 },
	{ "iframe", "src", 0 }, { "audio", "src", 0 },
	{ "form", "action", 0 }, { "button", "formaction", 0 },
	{ "video", "poster", 0 }, { "blockquote", "cite", 0 },
};

START_TEST(test_url_attrs)
{
	const char	*xml, *out, *want;
	json_t		*r;
	size_t		 i, j;

	for (i = 0; i < sizeof(url_attrs) / sizeof(url_attrs[0]); i++) {
		xml = arena_printf(ar, "<div %s><%s t:attr-%s=\"view.u\"/>"
		    "</div>", NS, url_attrs[i].elem, url_attrs[i].attr);
		for (j = 0; j < sizeof(bad_urls) / sizeof(bad_urls[0]); j++) {
			r = ctx(json_pack("{s:s}", "u", bad_urls[j]));
			out = render(xml, NULL, r);
			want = arena_printf(ar, "<div><%s %s=\"#\">%s%s%s</div>",
			    url_attrs[i].elem, url_attrs[i].attr,
			    url_attrs[i].isvoid ? "" : "</",
			    url_attrs[i].isvoid ? "" : url_attrs[i].elem,
			    url_attrs[i].isvoid ? "" : ">");
			ck_assert_msg(strcmp(out, want) == 0,
			    "%s=\"%s\": want %s, got %s", url_attrs[i].attr,
			    bad_urls[j], want, out);
		}
		for (j = 0; j < sizeof(good_urls) / sizeof(good_urls[0]); j++) {
			r = ctx(json_pack("{s:s}", "u", good_urls[j].url));
			out = render(xml, NULL, r);
			want = arena_printf(ar, "<div><%s %s=\"%s\">%s%s%s</div>",
			    url_attrs[i].elem, url_attrs[i].attr,
			    good_urls[j].out,
			    url_attrs[i].isvoid ? "" : "</",
			    url_attrs[i].isvoid ? "" : url_attrs[i].elem,
			    url_attrs[i].isvoid ? "" : ">");
			ck_assert_msg(strcmp(out, want) == 0,
			    "%s=\"%s\": want %s, got %s", url_attrs[i].attr,
			    good_urls[j].url, want, out);
		}
	}
}
END_TEST

START_TEST(test_url_attr_replaces_static)
{
	json_t		*r = ctx(json_pack("{s:s}", "u", "javascript:x"));
	const char	*out;

	out = render(FRAG("<a href=\"/safe\" t:attr-href=\"view.u\">x</a>"),
	    NULL, r);
	ck_assert_str_eq(out, "<div><a href=\"#\">x</a></div>");
}
END_TEST

START_TEST(test_url_attr_name_case)
{
	json_t		*r = ctx(json_pack("{s:s}", "u",
			    "javascript:alert(1)"));
	const char	*out;

	/* HTML attribute names know no case: HREF is href. */
	out = render(FRAG("<a t:attr-HREF=\"view.u\">x</a>"), NULL, r);
	ck_assert_msg(strcasestr(out, "javascript") == NULL, "got %s", out);
	ck_assert_ptr_nonnull(strcasestr(out, "href=\"#\""));
}
END_TEST

START_TEST(test_url_ok)
{
	size_t	 i;

	for (i = 0; i < sizeof(bad_urls) / sizeof(bad_urls[0]); i++)
		ck_assert_msg(!tmpl_url_ok(bad_urls[i], strlen(bad_urls[i])),
		    "accepted \"%s\"", bad_urls[i]);
	for (i = 0; i < sizeof(good_urls) / sizeof(good_urls[0]); i++)
		ck_assert_msg(tmpl_url_ok(good_urls[i].url,
		    strlen(good_urls[i].url)), "refused \"%s\"",
		    good_urls[i].url);
	ck_assert(tmpl_url_ok("http:x", 6));
	ck_assert(tmpl_url_ok("mailto:", 7));
	ck_assert(tmpl_url_ok("HtTp://x", 8));
	/* The length counts, not the NUL: a NUL is a control character. */
	ck_assert(!tmpl_url_ok("/a\0b", 4));
	ck_assert(!tmpl_url_ok("javascript:x", 12));
	ck_assert(tmpl_url_ok("/ok javascript:x", 3));
	ck_assert(!tmpl_url_ok("data:,x /ok", 7));
	ck_assert(!tmpl_url_ok("\x0bhttp://x", 9));
	ck_assert(!tmpl_url_ok("\x0chttp://x", 9));
	ck_assert(!tmpl_url_ok("\x00http://x", 9));
}
END_TEST

START_TEST(test_escape_text)
{
	struct buf	 b;

	ck_assert_str_eq(esc_text("", 0), "");
	ck_assert_str_eq(esc_text("plain text", 10), "plain text");
	ck_assert_str_eq(esc_text("<>&", 3), "&lt;&gt;&amp;");
	ck_assert_str_eq(esc_text("a<b>c&d\"e'f", 11),
	    "a&lt;b&gt;c&amp;d&quot;e&#39;f");
	ck_assert_str_eq(esc_text("&amp;", 5), "&amp;amp;");
	/* Only len bytes. */
	ck_assert_str_eq(esc_text("<b>tail", 3), "&lt;b&gt;");
	ck_assert_str_eq(esc_text("caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80",
	    14), "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
	/* It appends. */
	buf_init(&b, ar, 4);
	buf_puts(&b, "x");
	tmpl_escape_text(&b, "<", 1);
	tmpl_escape_text(&b, ">", 1);
	ck_assert_str_eq(b.data, "x&lt;&gt;");
}
END_TEST

START_TEST(test_escape_attr)
{
	struct buf	 b;

	ck_assert_str_eq(esc_attr("", 0), "");
	ck_assert_str_eq(esc_attr("plain", 5), "plain");
	ck_assert_str_eq(esc_attr("<>&\"'", 5), "&lt;&gt;&amp;&quot;&#39;");
	ck_assert_str_eq(esc_attr("\" onclick=\"x", 12),
	    "&quot; onclick=&quot;x");
	ck_assert_str_eq(esc_attr("'\"tail", 2), "&#39;&quot;");
	ck_assert_str_eq(esc_attr("\xe6\x97\xa5\xe6\x9c\xac", 6),
	    "\xe6\x97\xa5\xe6\x9c\xac");
	buf_init(&b, ar, 4);
	buf_puts(&b, "k=\"");
	tmpl_escape_attr(&b, "a\"b", 3);
	buf_putc(&b, '"');
	ck_assert_str_eq(norm(b.data), "k=\"a&quot;b\"");
}
END_TEST

/* ---- errors -------------------------------------------------------- */

START_TEST(test_err_malformed)
{
	fails("<div " NS ">\n<p>\n</div>", NULL, 3, "mismatch", "xml",
	    "malformed", "tag", "parse", NULL);
	fails("<div " NS ">\n<p>x &nbsp; y</p>\n</div>", NULL, 2, "entity",
	    "nbsp", "xml", "malformed", "parse", NULL);
	fails("<div " NS ">\n<p a=\"1\" a=\"2\">x</p>\n</div>", NULL, 2,
	    "attribute", "xml", "malformed", "parse", "redefined", NULL);
	fails("<div " NS ">\n\n<p>x</p>\n", NULL, 0, "xml", "malformed",
	    "end", "parse", "tag", NULL);
	fails("", NULL, 0, "xml", "malformed", "empty", "document", "parse",
	    "start", NULL);
	fails("<div " NS "/>\n<div " NS "/>", NULL, 2, "xml", "malformed",
	    "extra", "content", "end", "parse", NULL);
	/* Bytes that are not UTF-8. */
	fails("<div " NS ">\n<p>\xff\xfe</p>\n</div>", NULL, 0, "xml",
	    "malformed", "utf", "encoding", "byte", "char", "parse", NULL);
}
END_TEST

START_TEST(test_err_unknown_directive)
{
	fails("<div " NS ">\n<p t:foo=\"view.x\">x</p>\n</div>", NULL, 2,
	    "t:foo", "foo", NULL);
	fails("<div " NS ">\n\n<p t:texts=\"view.x\">x</p>\n</div>", NULL, 3,
	    "texts", NULL);
	fails("<div " NS ">\n<p t:attr-=\"view.x\">x</p>\n</div>", NULL, 2,
	    "attr", "name", "unknown", NULL);
	/* On the root element too. */
	fails("<div " NS " t:lay-out=\"layout\">\n</div>", NULL, 1,
	    "lay-out", NULL);
}
END_TEST

START_TEST(test_err_missing_partial)
{
	fails("<div " NS ">\n<p>x</p>\n<span t:include=\"nosuch\"/>\n</div>",
	    TMPL_TEST_DIR, 3, "nosuch", NULL);
	/* No directory to find one in. */
	fails("<div " NS ">\n<span t:include=\"hello\"/>\n</div>", NULL, 2,
	    "hello", "partial", "include", NULL);
}
END_TEST

START_TEST(test_err_missing_layout)
{
	fails("<div " NS " t:layout=\"nolayout\">\n<p t:fill=\"main\">x</p>"
	    "\n</div>", TMPL_TEST_DIR, 1, "nolayout", NULL);
	fails("<div " NS " t:layout=\"layout\">\n<p t:fill=\"main\">x</p>"
	    "\n</div>", NULL, 1, "layout", NULL);
}
END_TEST

START_TEST(test_err_unknown_slot)
{
	fails("<div " NS " t:layout=\"box\">\n<p t:fill=\"main\">x</p>\n"
	    "<p t:fill=\"sidebar\">y</p>\n</div>", TMPL_TEST_DIR, 3,
	    "sidebar", NULL);
}
END_TEST

START_TEST(test_err_unknown_root)
{
	fails("<div " NS ">\n<p t:text=\"bogus.x\">x</p>\n</div>", NULL, 2,
	    "bogus", NULL);
	fails("<div " NS ">\n\n<p t:if=\"nope\">x</p>\n</div>", NULL, 3,
	    "nope", NULL);
	fails("<div " NS ">\n<p t:unless=\"views.x\">x</p>\n</div>", NULL, 2,
	    "views", NULL);
	fails("<div " NS ">\n<p t:attr-title=\"q.y\">x</p>\n</div>", NULL, 2,
	    "q.y", "root", "unknown", "path", NULL);
	fails("<div " NS ">\n<p t:each=\"i in foo.items\">x</p>\n</div>",
	    NULL, 2, "foo", NULL);
	/* Roots are case-sensitive keys. */
	fails("<div " NS ">\n<p t:text=\"View.x\">x</p>\n</div>", NULL, 2,
	    "View", NULL);
	/* A loop variable is a root only inside its element. */
	fails("<div " NS ">\n<ul><li t:each=\"x in view.items\" t:text=\"x\"/>"
	    "</ul>\n<p t:text=\"x\">x</p>\n</div>", NULL, 3, "root",
	    "unknown", "\"x\"", "'x'", NULL);
	/* No first segment at all. */
	fails("<div " NS ">\n<p t:text=\"\">x</p>\n</div>", NULL, 2, "root",
	    "path", "empty", "unknown", "text", NULL);
}
END_TEST

START_TEST(test_err_bad_each)
{
	static const char *const	 exprs[] = {
		"x of view.items", "in view.items", "1x in view.items",
		"x in", "x view.items", "", "x in in view.items",
	};
	const char	*xml;
	size_t		 i;

	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		xml = arena_printf(ar, "<div %s>\n<ul>\n<li t:each=\"%s\">"
		    "x</li>\n</ul>\n</div>", NS, exprs[i]);
		fails(xml, NULL, 3, "each", "expression", "variable", "path",
		    "loop", NULL);
	}
}
END_TEST

START_TEST(test_err_script_style)
{
	fails("<div " NS ">\n<script t:text=\"view.s\"/>\n</div>", NULL, 2,
	    "script", NULL);
	fails("<div " NS ">\n\n<style t:text=\"view.s\">p {}</style>\n</div>",
	    NULL, 3, "style", NULL);
	/* Anywhere inside. */
	fails("<div " NS ">\n<script>\n<b t:text=\"view.s\"/>\n</script>\n"
	    "</div>", NULL, 3, "script", NULL);
	fails("<html " NS ">\n<head>\n<style><i t:text=\"view.s\"/></style>"
	    "\n</head>\n</html>", NULL, 3, "style", NULL);
	/*
	 * Nor its attributes (tmpl.h: "<script> ... never take one"): an
	 * https URL from a value would load someone else's script.
	 */
	fails("<div " NS ">\n\n\n<script t:attr-src=\"view.u\"/>\n</div>",
	    NULL, 4, "script", NULL);
}
END_TEST

START_TEST(test_script_conditions_allowed)
{
	json_t	*r = ctx(json_pack("{s:b}", "yes", 1));

	/* A condition puts no value inside <script> or <style>. */
	EQ(r, "<script t:if=\"view.yes\" src=\"/a.js\"/>",
	    "<script src=\"/a.js\"></script>");
	EQ(r, "<style t:unless=\"view.yes\">p {}</style>", "");
}
END_TEST

START_TEST(test_err_on_attr)
{
	fails("<div " NS ">\n<button t:attr-onclick=\"view.s\">x</button>\n"
	    "</div>", NULL, 2, "onclick", "on*", "event", "handler", NULL);
	fails("<div " NS ">\n\n<img t:attr-onerror=\"view.s\"/>\n</div>",
	    NULL, 3, "onerror", "on*", "event", "handler", NULL);
	fails("<div " NS ">\n<b t:attr-onMouseOver=\"view.s\">x</b>\n</div>",
	    NULL, 2, "onmouseover", "on*", "event", "handler", NULL);
	fails("<div " NS ">\n<b t:attr-ONCLICK=\"view.s\">x</b>\n</div>",
	    NULL, 2, "onclick", "on*", "event", "handler", NULL);
}
END_TEST

START_TEST(test_err_srcset)
{
	fails("<div " NS ">\n<img t:attr-srcset=\"view.s\"/>\n</div>", NULL,
	    2, "srcset", NULL);
}
END_TEST

START_TEST(test_err_text_and_directive_children)
{
	fails("<div " NS ">\n<p t:text=\"view.s\">\n<b t:text=\"view.t\"/>"
	    "\n</p>\n</div>", NULL, 2, "text", "children", "child", NULL);
	fails("<div " NS ">\n<p t:text=\"view.s\"><i><b t:if=\"view.t\">x</b>"
	    "</i></p>\n</div>", NULL, 2, "text", "children", "child",
	    "descendant", NULL);
}
END_TEST

START_TEST(test_err_include_cycle)
{
	fails("<div " NS ">\n<span t:include=\"self\"/>\n</div>",
	    TMPL_TEST_DIR, 0, "cycle", "deep", "depth", "nest", "recurs",
	    "loop", NULL);
	fails("<div " NS ">\n<span t:include=\"cyc_a\"/>\n</div>",
	    TMPL_TEST_DIR, 0, "cycle", "deep", "depth", "nest", "recurs",
	    "loop", NULL);
}
END_TEST

START_TEST(test_err_include_depth)
{
	/* n1 includes n2 ... n9: nine deep. */
	fails("<div " NS ">\n<span t:include=\"n1\"/>\n</div>",
	    TMPL_TEST_DIR, 0, "deep", "depth", "nest", "8", NULL);
}
END_TEST

START_TEST(test_err_in_partial)
{
	/* The error is the partial's, at its line. */
	fails("<div " NS ">\n<span t:include=\"bad_root\"/>\n</div>",
	    TMPL_TEST_DIR, 0, "bogus", NULL);
	ck_assert_msg(strstr(errbuf, "bad_root") != NULL &&
	    strstr(errbuf, ":3:") != NULL, "not at bad_root's line 3: %s",
	    errbuf);
}
END_TEST

START_TEST(test_err_truncated)
{
	char		 small[12];
	struct tmpl	*t;
	const char	*xml = "<div " NS ">\n<p t:text=\"bogus.x\">x</p>\n"
			    "</div>";

	memset(small, 'Z', sizeof(small));
	t = tmpl_compile("page", xml, strlen(xml), NULL, small,
	    sizeof(small));
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(memchr(small, '\0', sizeof(small)));
	ck_assert_uint_eq(strncmp(small, "page:2:", 7), 0);
}
END_TEST

static Suite *
tmpl_suite(void)
{
	Suite	*s = suite_create("tmpl");
	TCase	*core = tcase_create("core");
	TCase	*esc = tcase_create("escaping");
	TCase	*errs = tcase_create("errors");

	tcase_add_checked_fixture(core, setup, teardown);
	tcase_add_test(core, test_static_markup);
	tcase_add_test(core, test_namespaces_removed);
	tcase_add_test(core, test_text);
	tcase_add_test(core, test_me);
	tcase_add_test(core, test_print_values);
	tcase_add_test(core, test_attr);
	tcase_add_test(core, test_attr_replaces_static);
	tcase_add_test(core, test_if_unless);
	tcase_add_test(core, test_truth);
	tcase_add_test(core, test_paths);
	tcase_add_test(core, test_each);
	tcase_add_test(core, test_each_nested);
	tcase_add_test(core, test_each_many);
	tcase_add_test(core, test_directive_order);
	tcase_add_test(core, test_omit_tag);
	tcase_add_test(core, test_omit_tag_with_attr);
	tcase_add_test(core, test_include);
	tcase_add_test(core, test_include_loop_var);
	tcase_add_test(core, test_include_depth_8);
	tcase_add_test(core, test_layout);
	tcase_add_test(core, test_layout_fragment);
	tcase_add_test(core, test_slot_in_page);
	tcase_add_test(core, test_spec_example);
	tcase_add_test(core, test_html5_document);
	tcase_add_test(core, test_void_elements);
	tcase_add_test(core, test_empty_elements);
	tcase_add_test(core, test_script_style_raw_text);
	tcase_add_test(core, test_static_reescaped);
	tcase_add_test(core, test_render_appends);
	suite_add_tcase(s, core);

	tcase_add_checked_fixture(esc, setup, teardown);
	tcase_add_test(esc, test_text_values_escaped);
	tcase_add_test(esc, test_attr_values_escaped);
	tcase_add_test(esc, test_non_ascii);
	tcase_add_test(esc, test_url_attrs);
	tcase_add_test(esc, test_url_attr_replaces_static);
	tcase_add_test(esc, test_url_attr_name_case);
	tcase_add_test(esc, test_url_ok);
	tcase_add_test(esc, test_escape_text);
	tcase_add_test(esc, test_escape_attr);
	tcase_add_test(esc, test_script_conditions_allowed);
	suite_add_tcase(s, esc);

	tcase_add_checked_fixture(errs, setup, teardown);
	tcase_add_test(errs, test_err_malformed);
	tcase_add_test(errs, test_err_unknown_directive);
	tcase_add_test(errs, test_err_missing_partial);
	tcase_add_test(errs, test_err_missing_layout);
	tcase_add_test(errs, test_err_unknown_slot);
	tcase_add_test(errs, test_err_unknown_root);
	tcase_add_test(errs, test_err_bad_each);
	tcase_add_test(errs, test_err_script_style);
	tcase_add_test(errs, test_err_on_attr);
	tcase_add_test(errs, test_err_srcset);
	tcase_add_test(errs, test_err_text_and_directive_children);
	tcase_add_test(errs, test_err_include_cycle);
	tcase_add_test(errs, test_err_include_depth);
	tcase_add_test(errs, test_err_in_partial);
	tcase_add_test(errs, test_err_truncated);
	suite_add_tcase(s, errs);
	return s;
}

int
main(void)
{
	view_init();
	return unit_run(tmpl_suite());
}
