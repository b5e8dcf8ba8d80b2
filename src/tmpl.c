/*
 * The template engine (see tmpl.h and docs/templates.md).
 *
 * Compiling walks the libxml2 tree of a page, with its layout and partials
 * inlined, and emits a flat array of operations: static bytes (already
 * escaped and merged), a value as text, a value as an attribute, and the
 * jumps of t:if and t:each.  The tree is freed after compiling; a page
 * lives, read-only, as long as the process.  Rendering walks the array
 * with a stack of loop variables and appends to a buffer: no parsing, no
 * allocation but the buffer's growth.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "arena.h"
#include "html.h"
#include "tmpl.h"

#define TMPL_NS		"https://innkeep.org/ns/template"
#define MAX_LOOPS	8	/* nested t:each */
#define MAX_INCLUDE	8	/* nested t:include */
#define MAX_SEGS	16	/* segments of a path */
#define MAX_FILE	(1024 * 1024)

/* Roots of paths; loop variables come after them. */
static const char *const roots[] = { "view", "page", "site", "request", "me" };
#define NROOTS	(sizeof(roots) / sizeof(roots[0]))

enum op_kind {
	OP_BYTES,	/* static bytes */
	OP_TEXT,	/* a value, escaped as text */
	OP_ATTR,	/* a value as attribute name= */
	OP_IF,		/* jump past .jump unless the value is true */
	OP_UNLESS,	/* jump past .jump if the value is true */
	OP_EACH,	/* repeat up to .jump with loop slot .slot */
	OP_END		/* end of an OP_EACH body */
};

struct path {
	int		 root;		/* < NROOTS: a root; else a loop slot */
	int		 nseg;
	char		*seg[MAX_SEGS];
};

struct op {
	enum op_kind	 kind;
	char		*bytes;		/* OP_BYTES; OP_ATTR: the name */
	size_t		 len;
	int		 url;		/* OP_ATTR: a URL attribute */
	int		 slot;		/* OP_EACH: loop depth of the variable */
	size_t		 jump;		/* OP_IF, OP_UNLESS, OP_EACH: the end */
	struct path	 path;
};

struct tmpl {
	char		*name;
	struct op	*ops;
	size_t		 nops;
	size_t		 cap;
	size_t		 barrier;	/* a jump lands here: do not merge */
};

struct tmpl_set {
	struct tmpl	**pages;
	size_t		  n;
};

/* One file being compiled: its name for messages. */
struct cfile {
	const char	*name;
};

struct fill {
	const char	*name;
	xmlNodePtr	 node;
	const char	*file;
	int		 used;
};

struct cctx {
	struct tmpl	*t;
	const char	*dir;		/* partials and layouts; may be NULL */
	const char	*file;		/* the file of the node being compiled */
	char		*loopvar[MAX_LOOPS];
	int		 nloops;
	int		 depth;		/* includes */
	const char	*raw;		/* inside <script> or <style>: which */
	struct fill	*fills;		/* the page's t:fill, when in a layout */
	size_t		 nfills;
	char		*err;
	size_t		 errsz;
	int		 failed;
	xmlDocPtr	 docs[MAX_INCLUDE + 2];	/* freed at the end */
	int		 ndocs;
};

static void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		abort();
	return p;
}

static char *
xstrdup(const char *s)
{
	size_t	 n = strlen(s);
	char	*p = xmalloc(n + 1);

	memcpy(p, s, n + 1);
	return p;
}

static int
cerr(struct cctx *c, xmlNodePtr node, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cerr(struct cctx *c, xmlNodePtr node, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;

	if (c->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errsz, "%s:%ld: %s", c->file,
	    node ? xmlGetLineNo(node) : 0L, msg);
	c->failed = 1;
	return -1;
}

/* ---------------------------------------------------------------- escaping */

void
tmpl_escape_text(struct buf *b, const char *s, size_t n)
{
	html_escape(b, s, n);
}

void
tmpl_escape_attr(struct buf *b, const char *s, size_t n)
{
	/* The same set: both contexts are always quoted with ". */
	tmpl_escape_text(b, s, n);
}

int
tmpl_url_ok(const char *s, size_t n)
{
	size_t	 i;

	/* Browsers skip leading blanks and tabs inside schemes: refuse. */
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	if (n > 0 && s[0] == ' ')
		return 0;
	/* A scheme is letters, digits, + - . before the first ':'. */
	for (i = 0; i < n; i++) {
		if (s[i] == ':')
			break;
		if (s[i] == '/' || s[i] == '?' || s[i] == '#')
			return 1;	/* relative */
		if (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			return 1;	/* no scheme can hold it: relative */
	}
	if (i == n)
		return 1;		/* no colon: relative */
	return (i == 4 && strncasecmp(s, "http", 4) == 0) ||
	    (i == 5 && strncasecmp(s, "https", 5) == 0) ||
	    (i == 6 && strncasecmp(s, "mailto", 6) == 0);
}

static int
is_url_attr(const char *name)
{
	static const char *const urls[] = { "href", "src", "action",
	    "formaction", "poster", "cite", "data", "background", "xlink:href",
	    NULL };
	size_t	 i;

	for (i = 0; urls[i] != NULL; i++)
		if (strcasecmp(name, urls[i]) == 0)
			return 1;
	return 0;
}

static int
is_void(const char *name)
{
	static const char *const voids[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "source", "track",
	    "wbr", NULL };
	size_t	 i;

	for (i = 0; voids[i] != NULL; i++)
		if (strcmp(name, voids[i]) == 0)
			return 1;
	return 0;
}

/* ---------------------------------------------------------------- ops */

static struct op *
op_new(struct tmpl *t, enum op_kind kind)
{
	struct op	*o;

	if (t->nops == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		if ((t->ops = realloc(t->ops, t->cap * sizeof(*t->ops))) ==
		    NULL)
			abort();
	}
	o = &t->ops[t->nops++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	return o;
}

/* Appends static bytes, merged with the previous static op. */
static void
emit(struct tmpl *t, const char *s, size_t n)
{
	struct op	*o;

	if (n == 0)
		return;
	if (t->nops > t->barrier && t->ops[t->nops - 1].kind == OP_BYTES)
		o = &t->ops[t->nops - 1];
	else
		o = op_new(t, OP_BYTES);
	if ((o->bytes = realloc(o->bytes, o->len + n + 1)) == NULL)
		abort();
	memcpy(o->bytes + o->len, s, n);
	o->len += n;
	o->bytes[o->len] = '\0';
}

static void
emits(struct tmpl *t, const char *s)
{
	emit(t, s, strlen(s));
}

/* Emits text escaped for HTML, via a scratch buffer. */
static void
emit_escaped(struct tmpl *t, const char *s, size_t n)
{
	struct arena	*a = arena_new(4096);
	struct buf	 b;

	buf_init(&b, a, n + 16);
	tmpl_escape_text(&b, s, n);
	emit(t, b.data, b.len);
	arena_free(a);
}

static int
ident_ok(const char *s, size_t n)
{
	size_t	 i;

	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

/* Parses "a.b.0.c" against the roots and the loop variables in scope. */
static int
path_parse(struct cctx *c, xmlNodePtr node, const char *s, struct path *p)
{
	const char	*dot, *seg = s;
	size_t		 n;
	int		 i;

	memset(p, 0, sizeof(*p));
	for (;;) {
		dot = strchr(seg, '.');
		n = dot ? (size_t)(dot - seg) : strlen(seg);
		if (n == 0 || !(ident_ok(seg, n) || strspn(seg, "0123456789")
		    >= n))
			return cerr(c, node, "bad path \"%s\"", s);
		if (p->nseg == MAX_SEGS)
			return cerr(c, node, "path \"%s\" is too long", s);
		p->seg[p->nseg] = xmalloc(n + 1);
		memcpy(p->seg[p->nseg], seg, n);
		p->seg[p->nseg][n] = '\0';
		p->nseg++;
		if (dot == NULL)
			break;
		seg = dot + 1;
	}
	/* The first segment names a root or a loop variable. */
	p->root = -1;
	for (i = c->nloops - 1; i >= 0 && p->root < 0; i--)
		if (strcmp(p->seg[0], c->loopvar[i]) == 0)
			p->root = (int)NROOTS + i;
	for (i = 0; i < (int)NROOTS && p->root < 0; i++)
		if (strcmp(p->seg[0], roots[i]) == 0)
			p->root = i;
	if (p->root < 0)
		return cerr(c, node, "path \"%s\" starts with \"%s\", which is "
		    "neither a root (view, page, site, request, me) nor a loop "
		    "variable", s, p->seg[0]);
	return 0;
}

static void
path_free(struct path *p)
{
	int	 i;

	for (i = 0; i < p->nseg; i++)
		free(p->seg[i]);
}

/* ---------------------------------------------------------------- compiler */

enum dir {
	D_TEXT, D_IF, D_UNLESS, D_EACH, D_INCLUDE, D_LAYOUT, D_SLOT, D_FILL,
	D_OMIT, D__MAX
};

static const char *const dir_names[D__MAX] = {
	"text", "if", "unless", "each", "include", "layout", "slot", "fill",
	"omit-tag"
};

struct dattr {
	const char	*name;		/* NAME of t:attr-NAME */
	const char	*value;
	xmlAttrPtr	 attr;
};

struct directives {
	const char	*d[D__MAX];
	struct dattr	 attrs[32];
	int		 nattrs;
	int		 any;
};

static int
is_tns(xmlNsPtr ns)
{
	return ns != NULL && ns->href != NULL &&
	    strcmp((const char *)ns->href, TMPL_NS) == 0;
}

static const char *
attr_value(xmlAttrPtr a)
{
	if (a->children != NULL && a->children->content != NULL)
		return (const char *)a->children->content;
	return "";
}

static int
directives_read(struct cctx *c, xmlNodePtr node, struct directives *d)
{
	xmlAttrPtr	 a;
	const char	*n;
	int		 i;

	memset(d, 0, sizeof(*d));
	for (a = node->properties; a != NULL; a = a->next) {
		if (!is_tns(a->ns))
			continue;
		n = (const char *)a->name;
		d->any = 1;
		if (strncmp(n, "attr-", 5) == 0 && n[5] != '\0') {
			if (d->nattrs == 32)
				return cerr(c, node, "too many t:attr-");
			if (strncasecmp(n + 5, "on", 2) == 0)
				return cerr(c, node, "t:%s: event handler "
				    "attributes never take values", n);
			if (strcasecmp(n + 5, "style") == 0 ||
			    strcasecmp(n + 5, "srcset") == 0)
				return cerr(c, node, "t:%s: this attribute "
				    "never takes values", n);
			d->attrs[d->nattrs].name = n + 5;
			d->attrs[d->nattrs].value = attr_value(a);
			d->attrs[d->nattrs].attr = a;
			d->nattrs++;
			continue;
		}
		for (i = 0; i < D__MAX; i++)
			if (strcmp(n, dir_names[i]) == 0)
				break;
		if (i == D__MAX)
			return cerr(c, node, "unknown directive t:%s", n);
		d->d[i] = attr_value(a);
	}
	return 0;
}

/* 1 when node or a descendant carries a t: attribute. */
static int
has_directives(xmlNodePtr node)
{
	xmlAttrPtr	 a;
	xmlNodePtr	 ch;

	if (node->type != XML_ELEMENT_NODE)
		return 0;
	for (a = node->properties; a != NULL; a = a->next)
		if (is_tns(a->ns))
			return 1;
	for (ch = node->children; ch != NULL; ch = ch->next)
		if (has_directives(ch))
			return 1;
	return 0;
}

static int	compile_node(struct cctx *, xmlNodePtr);
static int	compile_page(struct cctx *, xmlDocPtr);

static int
compile_children(struct cctx *c, xmlNodePtr node)
{
	xmlNodePtr	 ch;

	for (ch = node->children; ch != NULL && !c->failed; ch = ch->next)
		if (compile_node(c, ch) == -1)
			return -1;
	return c->failed ? -1 : 0;
}

static int
name_ok(const char *s)
{
	size_t	 n = strlen(s);

	return n > 0 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789_-") == n;
}

/*
 * libxml2 reports through a global handler; templates compile at start-up,
 * on one thread, so a static keeps the first error of a parse, which says
 * more than the last ("tag mismatch" rather than "premature end").
 */
static char	 xml_first_msg[256];
static int	 xml_first_line;

static void
xml_first(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	if (xml_first_msg[0] != '\0' || e == NULL || e->level < XML_ERR_ERROR)
		return;
	snprintf(xml_first_msg, sizeof(xml_first_msg), "%s",
	    e->message ? e->message : "malformed XML");
	xml_first_msg[strcspn(xml_first_msg, "\n")] = '\0';
	xml_first_line = e->line;
}

/* Parses a file (xml NULL) or memory, reporting the first error. */
static xmlDocPtr
xml_parse(const char *name, const char *xml, size_t len, char *err,
    size_t errsz)
{
	xmlDocPtr	 doc;

	xml_first_msg[0] = '\0';
	xml_first_line = 0;
	xmlSetStructuredErrorFunc(NULL, xml_first);
	if (xml == NULL)
		doc = xmlReadFile(name, NULL, XML_PARSE_NONET);
	else
		doc = xmlReadMemory(xml, (int)len, name, NULL,
		    XML_PARSE_NONET);
	xmlSetStructuredErrorFunc(NULL, NULL);
	if (doc == NULL || xmlDocGetRootElement(doc) == NULL) {
		snprintf(err, errsz, "%s:%d: %s", name, xml_first_line,
		    xml_first_msg[0] ? xml_first_msg : "malformed XML");
		if (doc != NULL)
			xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

static struct tmpl *
compile_doc(const char *name, const char *file, xmlDocPtr doc,
    const char *dir, char *err, size_t errsz)
{
	struct cctx	 c;
	struct tmpl	*t;
	int		 i, rc;

	t = xmalloc(sizeof(*t));
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	memset(&c, 0, sizeof(c));
	c.t = t;
	c.dir = dir;
	c.file = file;
	c.err = err;
	c.errsz = errsz;
	rc = compile_page(&c, doc);
	for (i = 0; i < c.ndocs; i++)
		xmlFreeDoc(c.docs[i]);
	for (i = 0; i < c.nloops; i++)
		free(c.loopvar[i]);
	free(c.fills);
	if (rc == -1 || c.failed) {
		tmpl_destroy(t);
		return NULL;
	}
	return t;
}

/* Reads dir/sub/name.html into a document; NULL (with an error) if not. */
static xmlDocPtr
load_doc(struct cctx *c, xmlNodePtr from, const char *sub, const char *name,
    char **pathp)
{
	char		 path[4096];
	xmlDocPtr	 doc;

	if (!name_ok(name)) {
		cerr(c, from, "bad template name \"%s\"", name);
		return NULL;
	}
	if (c->dir == NULL) {
		cerr(c, from, "no template directory for \"%s\"", name);
		return NULL;
	}
	snprintf(path, sizeof(path), "%s%s%s/%s.html", c->dir,
	    *sub ? "/" : "", sub, name);
	if (access(path, R_OK) == -1) {
		cerr(c, from, "no %s \"%s\" (%s)", *sub ? "partial" : "layout",
		    name, path);
		return NULL;
	}
	if ((doc = xml_parse(path, NULL, 0, c->err, c->errsz)) == NULL) {
		c->failed = 1;
		return NULL;
	}
	if (c->ndocs == (int)(sizeof(c->docs) / sizeof(c->docs[0]))) {
		xmlFreeDoc(doc);
		cerr(c, from, "too many nested templates");
		return NULL;
	}
	c->docs[c->ndocs++] = doc;
	*pathp = xstrdup(path);
	return doc;
}

static int
compile_include(struct cctx *c, xmlNodePtr node, const char *name)
{
	const char	*file = c->file;
	char		*path;
	xmlDocPtr	 doc;
	int		 rc;

	if (c->depth >= MAX_INCLUDE)
		return cerr(c, node, "includes nested more than %d deep "
		    "(a cycle?)", MAX_INCLUDE);
	if ((doc = load_doc(c, node, "partials", name, &path)) == NULL)
		return -1;
	c->depth++;
	c->file = path;
	rc = compile_node(c, xmlDocGetRootElement(doc));
	c->file = file;
	c->depth--;
	free(path);
	return rc;
}

static struct fill *
fill_find(struct cctx *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->nfills; i++)
		if (strcmp(c->fills[i].name, name) == 0)
			return &c->fills[i];
	return NULL;
}

/* Compiles a slot's content: the page's fill, else the default. */
static int
compile_slot(struct cctx *c, xmlNodePtr node, const char *name)
{
	struct fill	*f = fill_find(c, name);
	const char	*file = c->file;
	struct fill	*saved;
	size_t		 nsaved;
	int		 rc;

	if (f == NULL)
		return compile_children(c, node);
	f->used = 1;
	/* A fill's content is the page's: its lines, no nested fills. */
	saved = c->fills;
	nsaved = c->nfills;
	c->fills = NULL;
	c->nfills = 0;
	c->file = f->file;
	rc = compile_children(c, f->node);
	c->file = file;
	c->fills = saved;
	c->nfills = nsaved;
	return rc;
}

static void
emit_tag_name(struct tmpl *t, xmlNodePtr node)
{
	emits(t, (const char *)node->name);
}

static int
compile_attrs(struct cctx *c, xmlNodePtr node, struct directives *d)
{
	xmlAttrPtr	 a;
	struct op	*o;
	const char	*n;
	int		 i, dup;

	for (a = node->properties; a != NULL; a = a->next) {
		if (is_tns(a->ns))
			continue;
		n = (const char *)a->name;
		for (dup = 0, i = 0; i < d->nattrs; i++)
			if (strcasecmp(d->attrs[i].name, n) == 0)
				dup = 1;
		if (dup)
			continue;	/* replaced by t:attr- */
		emits(c->t, " ");
		if (a->ns != NULL && a->ns->prefix != NULL) {
			emits(c->t, (const char *)a->ns->prefix);
			emits(c->t, ":");
		}
		emits(c->t, n);
		emits(c->t, "=\"");
		emit_escaped(c->t, attr_value(a), strlen(attr_value(a)));
		emits(c->t, "\"");
	}
	for (i = 0; i < d->nattrs; i++) {
		if (!ident_ok(d->attrs[i].name, 1) ||
		    strspn(d->attrs[i].name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_:") !=
		    strlen(d->attrs[i].name))
			return cerr(c, node, "bad attribute name \"%s\"",
			    d->attrs[i].name);
		o = op_new(c->t, OP_ATTR);
		o->bytes = xstrdup(d->attrs[i].name);
		o->len = strlen(o->bytes);
		o->url = is_url_attr(o->bytes);
		if (path_parse(c, node, d->attrs[i].value, &o->path) == -1)
			return -1;
	}
	return 0;
}

static int
compile_element(struct cctx *c, xmlNodePtr node)
{
	struct directives	 d;
	struct op		*o;
	const char		*name = (const char *)node->name;
	size_t			 each_at = 0, if_at = 0, n;
	int			 has_each = 0, has_if = 0, raw, omit, rc = 0;
	char			*var;
	const char		*in;

	if (directives_read(c, node, &d) == -1)
		return -1;
	raw = strcasecmp(name, "script") == 0 || strcasecmp(name, "style") == 0;
	if (c->raw != NULL && d.any)
		return cerr(c, node, "nothing inside <%s> takes values or "
		    "directives", c->raw);
	/* A condition or a loop puts no value in a script: the rest would. */
	if (raw && (d.d[D_TEXT] || d.d[D_INCLUDE] || d.d[D_SLOT] ||
	    d.d[D_FILL] || d.d[D_OMIT] || d.nattrs > 0))
		return cerr(c, node, "<%s> takes no values: only t:if, "
		    "t:unless and t:each", name);
	if (d.d[D_LAYOUT] != NULL && node->parent != NULL &&
	    node->parent->type == XML_ELEMENT_NODE)
		return cerr(c, node, "t:layout belongs on the root element");
	if (d.d[D_TEXT] != NULL && is_void(name))
		return cerr(c, node, "<%s> is a void element: t:text has no "
		    "place in it", name);
	if (d.d[D_TEXT] != NULL) {
		xmlNodePtr	 ch;

		for (ch = node->children; ch != NULL; ch = ch->next)
			if (has_directives(ch))
				return cerr(c, node, "t:text replaces the "
				    "content, which carries directives");
	}
	if (d.d[D_EACH] != NULL) {
		/* "var in path" */
		const char	*e = d.d[D_EACH];

		n = strcspn(e, " ");
		in = e + n;
		if (!ident_ok(e, n) || strncmp(in, " in ", 4) != 0 ||
		    in[4] == '\0' || strchr(in + 4, ' ') != NULL)
			return cerr(c, node, "t:each=\"%s\": expected "
			    "\"var in path\"", e);
		if (c->nloops == MAX_LOOPS)
			return cerr(c, node, "t:each nested more than %d deep",
			    MAX_LOOPS);
		for (size_t r = 0; r < NROOTS; r++)
			if (strlen(roots[r]) == n && strncmp(e, roots[r], n) == 0)
				return cerr(c, node, "t:each variable \"%s\" "
				    "hides a root", roots[r]);
		each_at = c->t->nops;
		o = op_new(c->t, OP_EACH);
		o->slot = c->nloops;
		if (path_parse(c, node, in + 4, &o->path) == -1)
			return -1;
		var = xmalloc(n + 1);
		memcpy(var, e, n);
		var[n] = '\0';
		c->loopvar[c->nloops++] = var;
		has_each = 1;
	}
	if (d.d[D_IF] != NULL || d.d[D_UNLESS] != NULL) {
		if (d.d[D_IF] != NULL && d.d[D_UNLESS] != NULL) {
			rc = cerr(c, node, "t:if and t:unless on one element");
			goto out;
		}
		if_at = c->t->nops;
		o = op_new(c->t, d.d[D_IF] ? OP_IF : OP_UNLESS);
		if (path_parse(c, node, d.d[D_IF] ? d.d[D_IF] :
		    d.d[D_UNLESS], &o->path) == -1) {
			rc = -1;
			goto out;
		}
		has_if = 1;
	}
	if (d.d[D_INCLUDE] != NULL) {
		rc = compile_include(c, node, d.d[D_INCLUDE]);
		goto close;
	}
	omit = d.d[D_OMIT] != NULL;
	if (!omit) {
		emits(c->t, "<");
		emit_tag_name(c->t, node);
	}
	if (!omit && compile_attrs(c, node, &d) == -1) {
		rc = -1;
		goto out;
	}
	if (omit && d.nattrs > 0) {
		rc = cerr(c, node, "t:attr- on an element without its tag");
		goto out;
	}
	if (!omit)
		emits(c->t, ">");
	if (d.d[D_TEXT] != NULL) {
		o = op_new(c->t, OP_TEXT);
		rc = path_parse(c, node, d.d[D_TEXT], &o->path);
	} else if (d.d[D_SLOT] != NULL) {
		rc = compile_slot(c, node, d.d[D_SLOT]);
	} else {
		if (raw)
			c->raw = name;
		rc = compile_children(c, node);
		if (raw)
			c->raw = NULL;
	}
	if (rc == -1)
		goto out;
	if (!omit && !is_void(name)) {
		emits(c->t, "</");
		emit_tag_name(c->t, node);
		emits(c->t, ">");
	} else if (!omit && node->children != NULL && d.d[D_TEXT] == NULL) {
		rc = cerr(c, node, "<%s> is a void element: it has no content",
		    name);
		goto out;
	}
close:
	if (rc == -1)
		goto out;
	if (has_if) {
		c->t->ops[if_at].jump = c->t->nops;
		c->t->barrier = c->t->nops;
	}
	if (has_each) {
		op_new(c->t, OP_END);
		c->t->ops[each_at].jump = c->t->nops;
	}
out:
	if (has_each)
		free(c->loopvar[--c->nloops]);
	return rc == -1 ? -1 : 0;
}

static int
compile_node(struct cctx *c, xmlNodePtr node)
{
	xmlChar		*s;

	switch (node->type) {
	case XML_ELEMENT_NODE:
		return compile_element(c, node);
	case XML_TEXT_NODE:
	case XML_CDATA_SECTION_NODE:
		if (node->content == NULL)
			return 0;
		/* Script and style content is raw text in HTML5. */
		if (c->raw)
			emits(c->t, (const char *)node->content);
		else
			emit_escaped(c->t, (const char *)node->content,
			    strlen((const char *)node->content));
		return 0;
	case XML_ENTITY_REF_NODE:
		s = xmlNodeGetContent(node);
		if (s == NULL)
			return cerr(c, node, "unknown entity &%s; (use a "
			    "character reference such as &#160;)",
			    (const char *)node->name);
		emit_escaped(c->t, (const char *)s, strlen((const char *)s));
		xmlFree(s);
		return 0;
	default:
		/* Comments, processing instructions: not in the output. */
		return 0;
	}
}

/* Gathers the page's t:fill elements, for its layout. */
static int
fills_collect(struct cctx *c, xmlNodePtr node, struct fill **fills,
    size_t *n)
{
	xmlAttrPtr	 a;
	xmlNodePtr	 ch;
	size_t		 i;

	if (node->type != XML_ELEMENT_NODE)
		return 0;
	for (a = node->properties; a != NULL; a = a->next)
		if (is_tns(a->ns) && strcmp((const char *)a->name, "fill") ==
		    0) {
			for (i = 0; i < *n; i++)
				if (strcmp((*fills)[i].name, attr_value(a)) ==
				    0)
					return cerr(c, node, "slot \"%s\" "
					    "filled twice", attr_value(a));
			*fills = realloc(*fills, (*n + 1) * sizeof(**fills));
			if (*fills == NULL)
				abort();
			(*fills)[*n].name = attr_value(a);
			(*fills)[*n].node = node;
			(*fills)[*n].file = c->file;
			(*fills)[*n].used = 0;
			(*n)++;
			/* A fill's own content is compiled into the slot. */
			return 0;
		}
	for (ch = node->children; ch != NULL; ch = ch->next)
		if (fills_collect(c, ch, fills, n) == -1)
			return -1;
	return 0;
}

static int
compile_page(struct cctx *c, xmlDocPtr doc)
{
	xmlNodePtr	 root = xmlDocGetRootElement(doc), lroot;
	xmlAttrPtr	 a;
	const char	*layout = NULL, *file = c->file;
	char		*path;
	xmlDocPtr	 ldoc;
	size_t		 i;
	int		 rc;

	for (a = root->properties; a != NULL; a = a->next)
		if (is_tns(a->ns) && strcmp((const char *)a->name, "layout") ==
		    0)
			layout = attr_value(a);
	if (layout == NULL) {
		if (strcmp((const char *)root->name, "html") == 0)
			emits(c->t, "<!DOCTYPE html>\n");
		return compile_node(c, root);
	}
	if (fills_collect(c, root, &c->fills, &c->nfills) == -1)
		return -1;
	if ((ldoc = load_doc(c, root, "", layout, &path)) == NULL)
		return -1;
	lroot = xmlDocGetRootElement(ldoc);
	for (a = lroot->properties; a != NULL; a = a->next)
		if (is_tns(a->ns) && strcmp((const char *)a->name, "layout") ==
		    0) {
			c->file = path;
			rc = cerr(c, lroot, "a layout cannot have a layout");
			c->file = file;
			free(path);
			return rc;
		}
	if (strcmp((const char *)lroot->name, "html") == 0)
		emits(c->t, "<!DOCTYPE html>\n");
	c->file = path;
	rc = compile_node(c, lroot);
	c->file = file;
	free(path);
	if (rc == -1)
		return -1;
	for (i = 0; i < c->nfills; i++)
		if (!c->fills[i].used)
			return cerr(c, c->fills[i].node, "layout \"%s\" has no "
			    "slot \"%s\"", layout, c->fills[i].name);
	return 0;
}

void
tmpl_destroy(struct tmpl *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nops; i++) {
		free(t->ops[i].bytes);
		path_free(&t->ops[i].path);
	}
	free(t->ops);
	free(t->name);
	free(t);
}

static xmlDocPtr
parse_mem(const char *name, const char *xml, size_t len, char *err,
    size_t errsz)
{
	if (len > MAX_FILE) {
		snprintf(err, errsz, "%s:0: template too large", name);
		return NULL;
	}
	return xml_parse(name, xml, len, err, errsz);
}

struct tmpl *
tmpl_compile(const char *name, const char *xml, size_t len, const char *dir,
    char *err, size_t errsz)
{
	xmlDocPtr	 doc;
	struct tmpl	*t;

	if ((doc = parse_mem(name, xml, len, err, errsz)) == NULL)
		return NULL;
	t = compile_doc(name, name, doc, dir, err, errsz);
	xmlFreeDoc(doc);
	return t;
}

static int
cmp_tmpl(const void *a, const void *b)
{
	return strcmp((*(struct tmpl *const *)a)->name,
	    (*(struct tmpl *const *)b)->name);
}

struct tmpl_set *
tmpl_load(const char *dir, char *err, size_t errsz)
{
	struct tmpl_set	*set;
	struct dirent	*e;
	struct tmpl	*t;
	DIR		*d;
	FILE		*f;
	char		 path[4096], name[128], *xml;
	size_t		 n, len;

	set = xmalloc(sizeof(*set));
	memset(set, 0, sizeof(*set));
	if ((d = opendir(dir)) == NULL) {
		snprintf(err, errsz, "%s: %s", dir, strerror(errno));
		free(set);
		return NULL;
	}
	while ((e = readdir(d)) != NULL) {
		n = strlen(e->d_name);
		if (n <= 5 || n - 5 >= sizeof(name) ||
		    strcmp(e->d_name + n - 5, ".html") != 0)
			continue;
		memcpy(name, e->d_name, n - 5);
		name[n - 5] = '\0';
		if (!name_ok(name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if ((f = fopen(path, "r")) == NULL) {
			snprintf(err, errsz, "%s: %s", path, strerror(errno));
			goto fail;
		}
		xml = xmalloc(MAX_FILE + 1);
		len = fread(xml, 1, MAX_FILE + 1, f);
		fclose(f);
		if (len > MAX_FILE) {
			free(xml);
			snprintf(err, errsz, "%s:0: template too large", path);
			goto fail;
		}
		t = NULL;
		{
			xmlDocPtr doc = parse_mem(path, xml, len, err, errsz);

			if (doc != NULL) {
				t = compile_doc(name, path, doc, dir, err,
				    errsz);
				xmlFreeDoc(doc);
			}
		}
		free(xml);
		if (t == NULL)
			goto fail;
		set->pages = realloc(set->pages, (set->n + 1) *
		    sizeof(*set->pages));
		if (set->pages == NULL)
			abort();
		set->pages[set->n++] = t;
	}
	closedir(d);
	if (set->n > 0)
		qsort(set->pages, set->n, sizeof(*set->pages), cmp_tmpl);
	return set;
fail:
	closedir(d);
	tmpl_free(set);
	return NULL;
}

void
tmpl_free(struct tmpl_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->n; i++)
		tmpl_destroy(set->pages[i]);
	free(set->pages);
	free(set);
}

const struct tmpl *
tmpl_find(const struct tmpl_set *set, const char *name)
{
	size_t	 lo = 0, hi, mid;
	int	 c;

	if (set == NULL)
		return NULL;
	hi = set->n;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if ((c = strcmp(name, set->pages[mid]->name)) == 0)
			return set->pages[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* ---------------------------------------------------------------- render */

struct rctx {
	const json_t	*root;
	const json_t	*loop[MAX_LOOPS];
	struct buf	*out;
};

static const json_t *
path_get(const struct rctx *r, const struct path *p)
{
	const json_t	*v;
	const char	*s;
	char		*end;
	unsigned long	 idx;
	int		 i;

	if (p->root < (int)NROOTS)
		v = json_object_get(r->root, roots[p->root]);
	else
		v = r->loop[p->root - (int)NROOTS];
	for (i = 1; i < p->nseg && v != NULL; i++) {
		s = p->seg[i];
		if (json_is_object(v))
			v = json_object_get(v, s);
		else if (json_is_array(v) && isdigit((unsigned char)s[0])) {
			idx = strtoul(s, &end, 10);
			v = json_array_get(v, idx);
		} else
			v = NULL;
	}
	return v;
}

static int
truthy(const json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0.0;
	case JSON_TRUE:
		return 1;
	default:
		return 0;
	}
}

/* The text of a scalar; NULL for null, objects and arrays. */
static const char *
scalar(const json_t *v, char *tmp, size_t tmpsz, size_t *len)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		*len = json_string_length(v);
		return json_string_value(v);
	case JSON_INTEGER:
		*len = (size_t)snprintf(tmp, tmpsz, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		return tmp;
	case JSON_REAL:
		*len = (size_t)snprintf(tmp, tmpsz, "%.15g",
		    json_real_value(v));
		return tmp;
	case JSON_TRUE:
		*len = 4;
		return "true";
	case JSON_FALSE:
		*len = 5;
		return "false";
	default:
		return NULL;
	}
}

static void
render_attr(struct rctx *r, const struct op *o)
{
	const json_t	*v = path_get(r, &o->path);
	const char	*s;
	char		 tmp[64];
	size_t		 len;

	if (v == NULL || json_is_null(v) || json_is_false(v))
		return;
	buf_putc(r->out, ' ');
	buf_append(r->out, o->bytes, o->len);
	if (json_is_true(v))
		return;
	buf_puts(r->out, "=\"");
	if ((s = scalar(v, tmp, sizeof(tmp), &len)) != NULL) {
		if (o->url && !tmpl_url_ok(s, len))
			buf_putc(r->out, '#');
		else
			tmpl_escape_attr(r->out, s, len);
	}
	buf_putc(r->out, '"');
}

static void
render_range(struct rctx *r, const struct tmpl *t, size_t from, size_t to)
{
	const struct op	*o;
	const json_t	*v;
	const char	*s;
	char		 tmp[64];
	size_t		 i, k, len;

	for (i = from; i < to; i++) {
		o = &t->ops[i];
		switch (o->kind) {
		case OP_BYTES:
			buf_append(r->out, o->bytes, o->len);
			break;
		case OP_TEXT:
			v = path_get(r, &o->path);
			if ((s = scalar(v, tmp, sizeof(tmp), &len)) != NULL)
				tmpl_escape_text(r->out, s, len);
			break;
		case OP_ATTR:
			render_attr(r, o);
			break;
		case OP_IF:
		case OP_UNLESS:
			if (truthy(path_get(r, &o->path)) !=
			    (o->kind == OP_IF))
				i = o->jump - 1;
			break;
		case OP_EACH:
			v = path_get(r, &o->path);
			if (json_is_array(v))
				for (k = 0; k < json_array_size(v); k++) {
					r->loop[o->slot] = json_array_get(v,
					    k);
					/* The body ends with its OP_END. */
					render_range(r, t, i + 1, o->jump - 1);
				}
			i = o->jump - 1;
			break;
		case OP_END:
			break;
		}
	}
}

void
tmpl_render(const struct tmpl *t, const json_t *root, struct buf *out)
{
	struct rctx	 r;

	memset(&r, 0, sizeof(r));
	r.root = root;
	r.out = out;
	render_range(&r, t, 0, t->nops);
}
