/*
 * A micro-benchmark of the template renderer alone (src/tmpl.c): no
 * server, no database, no I/O.  bench/tmpl_bench.sh builds and runs it.
 *
 * The page: a search result list, a t:each over ITEMS items of 5 fields
 * each (a name and a description that need escaping, a city, a price, and
 * a URL in an href, every tenth of them a javascript: URL that must come
 * out as "#"), plus the search box, title and footer a real page has.  It
 * is compiled once from memory with tmpl_compile(); the view is built with
 * jansson through view.h, in an arena, as a handler builds it.
 *
 * Three measurements, each RUNS runs of N pages, the median reported:
 *   render        tmpl_render() of a view built once; the output arena is
 *                 reset between pages (what the renderer alone costs)
 *   view+render   the view built, then rendered, per page, in one arena
 *                 reset between pages (what a handler pays per request)
 *   home          with a templates folder given: the real home page
 *                 (tmpl_load + tmpl_find("home")), rendered as in render
 *
 *   tmpl_bench [-n PAGES] [-r RUNS] [-i ITEMS] [-t TEMPLATES_DIR]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "tmpl.h"
#include "view.h"

static const char page_xml[] =
"<html xmlns=\"http://www.w3.org/1999/xhtml\"\n"
"      xmlns:t=\"https://innkeep.org/ns/template\" lang=\"en\">\n"
"<head>\n"
"  <meta charset=\"utf-8\"/>\n"
"  <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
"  <title t:text=\"page.title\">Search</title>\n"
"  <link rel=\"stylesheet\" href=\"/static/innkeep.css\"/>\n"
"</head>\n"
"<body>\n"
"  <header>\n"
"    <a href=\"/\" t:text=\"site.name\">innkeep</a>\n"
"    <form action=\"/properties\" method=\"get\" role=\"search\">\n"
"      <input type=\"search\" name=\"q\" t:attr-value=\"request.query\"/>\n"
"      <button type=\"submit\">Search</button>\n"
"    </form>\n"
"  </header>\n"
"  <main id=\"main\">\n"
"    <h1 t:text=\"page.title\">Search</h1>\n"
"    <p t:unless=\"view.items\">Nothing matches.</p>\n"
"    <ul class=\"results\" t:if=\"view.items\">\n"
"      <li class=\"card\" t:each=\"p in view.items\">\n"
"        <h2><a t:attr-href=\"p.url\" t:text=\"p.name\">A cosy loft</a></h2>\n"
"        <p class=\"city\" t:text=\"p.city\">Lisbon</p>\n"
"        <p class=\"desc\" t:text=\"p.description\">Bright.</p>\n"
"        <p class=\"price\"><span t:text=\"p.price\">120.00</span> a night</p>\n"
"      </li>\n"
"    </ul>\n"
"  </main>\n"
"  <footer><p><span t:text=\"site.name\">innkeep</span> "
"<span t:text=\"site.version\">0</span></p></footer>\n"
"</body>\n"
"</html>\n";

static const char *const cities[] = {
	"Lisbon", "Zürich", "Kraków", "São Paulo", "Reykjavík", "Tōkyō"
};

static double
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static json_t *
common_roots(json_t *root, const char *title)
{
	json_t	*page, *site, *req;

	page = view_object();
	view_set_str(page, "title", title);
	view_set_int(page, "status", 200);
	view_set(root, "page", page);
	site = view_object();
	view_set_str(site, "name", "innkeep");
	view_set_str(site, "version", "0.1.0");
	view_set_str(site, "base_url", "http://localhost");
	view_set(root, "site", site);
	req = view_object();
	view_set_str(req, "path", "/properties");
	view_set_str(req, "query", "loft \"river\" <view>");
	view_set_str(req, "csrf_token", "");
	view_set(root, "request", req);
	view_set_null(root, "me");
	return root;
}

/* The render context of the list page, allocated where view_bind says. */
static json_t *
build_context(int nitems)
{
	json_t	*root, *view, *items, *it;
	char	 s[256];
	int	 i;

	root = view_object();
	view = view_object();
	items = view_array();
	for (i = 0; i < nitems; i++) {
		it = view_object();
		view_set_int(it, "id", i + 1);
		snprintf(s, sizeof(s), "Cosy loft <b>#%d</b> by the \"river\" "
		    "& the park", i + 1);
		view_set_str(it, "name", s);
		if (i % 10 == 9)
			snprintf(s, sizeof(s), "javascript:alert(%d)", i);
		else
			snprintf(s, sizeof(s), "/properties/%d?from=search&"
			    "q=loft", i + 1);
		view_set_str(it, "url", s);
		view_set_str(it, "city", cities[i % 6]);
		view_set_str(it, "description", "Quiet, bright & close to "
		    "'everything': two rooms <with> a view of the old town, "
		    "fast Wi-Fi, a kitchen.");
		snprintf(s, sizeof(s), "%d.%02d", 60 + i * 7 % 140, i % 100);
		view_set_str(it, "price", s);
		view_push(items, it);
	}
	view_set(view, "items", items);
	view_set(root, "view", view);
	return common_roots(root, "Places to stay: \"loft\" & more");
}

static json_t *
build_home_context(void)
{
	json_t	*root, *view;

	root = view_object();
	view = view_object();
	view_set_str(view, "name", "innkeep");
	view_set_str(view, "version", "0.1.0");
	view_set(root, "view", view);
	root = common_roots(root, "Welcome to innkeep");
	json_object_set_new(json_object_get(root, "request"), "path",
	    json_string("/"));
	json_object_set_new(json_object_get(root, "request"), "query",
	    json_string(""));
	return root;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct result {
	double	 ns[16];	/* per page, per run */
	size_t	 bytes;		/* per page */
};

/* mode 0: render a prebuilt root; mode 1: build the view and render. */
static void
measure(const struct tmpl *t, const json_t *root, int mode, int nitems,
    long pages, int runs, struct result *res)
{
	struct arena	*a;
	struct buf	 b;
	double		 t0;
	long		 i;
	int		 r;
	json_t		*v;

	a = arena_new(256 * 1024);
	/* warm-up: caches, the arena's blocks */
	for (i = 0; i < pages / 10 + 1; i++) {
		arena_reset(a);
		buf_init(&b, a, 64 * 1024);
		if (mode == 1) {
			view_bind(a);
			v = build_context(nitems);
			tmpl_render(t, v, &b);
			view_bind(NULL);
		} else
			tmpl_render(t, root, &b);
		res->bytes = b.len;
	}
	for (r = 0; r < runs; r++) {
		t0 = now_ns();
		for (i = 0; i < pages; i++) {
			arena_reset(a);
			buf_init(&b, a, 64 * 1024);
			if (mode == 1) {
				view_bind(a);
				v = build_context(nitems);
				tmpl_render(t, v, &b);
				view_bind(NULL);
			} else
				tmpl_render(t, root, &b);
		}
		res->ns[r] = (now_ns() - t0) / (double)pages;
	}
	arena_free(a);
}

static void
report(const char *what, const struct result *res, int runs)
{
	double	 s[16], med;

	memcpy(s, res->ns, sizeof(double) * (size_t)runs);
	qsort(s, (size_t)runs, sizeof(double), cmp_double);
	med = (runs % 2) ? s[runs / 2] : (s[runs / 2 - 1] + s[runs / 2]) / 2;
	printf("%-12s %7zu bytes/page  median %9.0f ns/page  %8.1f MB/s  "
	    "%8.0f pages/s  (runs: min %.0f, max %.0f ns)\n", what,
	    res->bytes, med, (double)res->bytes / med * 1e3, 1e9 / med,
	    s[0], s[runs - 1]);
}

/* The output must be what the page promises, or the figures mean nothing. */
static void
check_output(const struct tmpl *t, const json_t *root, int nitems)
{
	struct arena	*a = arena_new(256 * 1024);
	struct buf	 b;
	const char	*p;
	int		 n = 0, hash = 0;

	buf_init(&b, a, 64 * 1024);
	tmpl_render(t, root, &b);
	for (p = b.data; (p = strstr(p, "<li class=\"card\"")) != NULL; p++)
		n++;
	for (p = b.data; (p = strstr(p, "href=\"#\"")) != NULL; p++)
		hash++;
	if (n != nitems || hash != nitems / 10 ||
	    strstr(b.data, "<b>") != NULL ||
	    strstr(b.data, "javascript:") != NULL ||
	    strstr(b.data, "&lt;b&gt;#1&lt;/b&gt;") == NULL ||
	    strstr(b.data, " t:") != NULL ||
	    strstr(b.data, "xmlns") != NULL) {
		fprintf(stderr, "tmpl_bench: unexpected output (%d items, %d "
		    "href=\"#\"):\n%.*s\n", n, hash, (int)(b.len > 3000 ? 3000 :
		    b.len), b.data);
		exit(1);
	}
	arena_free(a);
}

int
main(int argc, char *argv[])
{
	struct tmpl_set		*set = NULL;
	const struct tmpl	*home;
	struct tmpl		*t;
	struct arena		*va;
	struct result		 res;
	json_t			*root, *hroot;
	const char		*dir = NULL;
	char			 err[512];
	long			 pages = 20000;
	int			 runs = 5, nitems = 100, ch;

	while ((ch = getopt(argc, argv, "n:r:i:t:")) != -1) {
		switch (ch) {
		case 'n':
			pages = atol(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'i':
			nitems = atoi(optarg);
			break;
		case 't':
			dir = optarg;
			break;
		default:
			fprintf(stderr, "usage: tmpl_bench [-n PAGES] [-r RUNS] "
			    "[-i ITEMS] [-t TEMPLATES_DIR]\n");
			return 2;
		}
	}
	if (pages < 1 || runs < 1 || runs > 16 || nitems < 1) {
		fprintf(stderr, "tmpl_bench: bad -n, -r (1-16) or -i\n");
		return 2;
	}

	view_init();
	t = tmpl_compile("bench", page_xml, sizeof(page_xml) - 1, NULL, err,
	    sizeof(err));
	if (t == NULL) {
		fprintf(stderr, "tmpl_bench: %s\n", err);
		return 1;
	}
	/* The view lives in its own arena for the whole run. */
	va = arena_new(256 * 1024);
	view_bind(va);
	root = build_context(nitems);
	view_bind(NULL);
	check_output(t, root, nitems);

	printf("template renderer: list page, t:each over %d items x 5 fields; "
	    "%ld pages x %d runs\n", nitems, pages, runs);
	memset(&res, 0, sizeof(res));
	measure(t, root, 0, nitems, pages, runs, &res);
	report("render", &res, runs);
	memset(&res, 0, sizeof(res));
	measure(t, NULL, 1, nitems, pages, runs, &res);
	report("view+render", &res, runs);

	if (dir != NULL) {
		if ((set = tmpl_load(dir, err, sizeof(err))) == NULL)
			fprintf(stderr, "tmpl_bench: %s (home page skipped)\n",
			    err);
		else if ((home = tmpl_find(set, "home")) == NULL)
			fprintf(stderr, "tmpl_bench: no home page in %s\n", dir);
		else {
			view_bind(va);
			hroot = build_home_context();
			view_bind(NULL);
			memset(&res, 0, sizeof(res));
			measure(home, hroot, 0, 0, pages * 5, runs, &res);
			report("home", &res, runs);
		}
	}
	if (set != NULL)
		tmpl_free(set);
	tmpl_destroy(t);
	arena_free(va);
	return 0;
}
