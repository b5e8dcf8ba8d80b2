## libFuzzer harnesses for the request parsers, the router, templates and
## the search of GET /properties.
## Included from Makefile.am; paths are relative to the top of the tree.
##
##   make fuzz-build		build the harnesses with clang
##   make fuzz-smoke		each harness on a fresh copy of its seeds,
##				FUZZ_SECONDS (10) seconds each
##   make fuzz			each harness on a corpus kept between runs,
##				FUZZ_SECONDS (600) seconds each
##   make fuzz-clean		remove all but the crash files
##
## The harnesses are compiled by clang straight from the sources they test:
## libinnkeep.a is built by the configured compiler without the fuzzer's
## coverage instrumentation.  See tests/fuzz/README.md.

CLANG ?= clang

FUZZ_HARNESSES = fuzz_query fuzz_cookies fuzz_urlencoded fuzz_multipart \
	fuzz_json fuzz_route fuzz_tmpl fuzz_escape fuzz_search
FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -g -O1 -std=c17 \
	-D_GNU_SOURCE -I$(top_srcdir)/src -I$(top_builddir) $(WARN_CFLAGS) \
	$(JANSSON_CFLAGS)
# route.c names methods through req.c; both are free of other modules.
FUZZ_SRCS = $(top_srcdir)/src/req_parse.c $(top_srcdir)/src/req.c \
	$(top_srcdir)/src/arena.c $(top_srcdir)/src/route.c
# The template harnesses also need the engine and libxml2.
FUZZ_TMPL_HARNESSES = fuzz_tmpl fuzz_escape
FUZZ_TMPL_SRCS = $(FUZZ_SRCS) $(top_srcdir)/src/tmpl.c \
	$(top_srcdir)/src/view.c $(top_srcdir)/src/html.c
# The search harness: search.c with the modules it reads values through,
# libsodium (cursors) and libpq's header (field.c's app.h, no library).
FUZZ_SEARCH_HARNESSES = fuzz_search
FUZZ_SEARCH_SRCS = $(FUZZ_SRCS) $(top_srcdir)/src/search.c \
	$(top_srcdir)/src/field.c $(top_srcdir)/src/view.c \
	$(top_srcdir)/src/date.c $(top_srcdir)/src/money.c
# Partials and layouts fuzz_tmpl's pages can include.
FUZZ_TMPL_DIR = $(abs_top_srcdir)/tests/unit/tmpl
FUZZ_OUT = $(top_builddir)/tests/fuzz

# For the lead to add to EXTRA_DIST.
FUZZ_DIST = tests/fuzz/README.md tests/fuzz/fuzz.mk \
	tests/fuzz/harness.h tests/fuzz/fuzz_query.c \
	tests/fuzz/fuzz_cookies.c tests/fuzz/fuzz_urlencoded.c \
	tests/fuzz/fuzz_multipart.c tests/fuzz/fuzz_json.c \
	tests/fuzz/fuzz_route.c tests/fuzz/fuzz_tmpl.c \
	tests/fuzz/fuzz_escape.c tests/fuzz/fuzz_search.c tests/fuzz/corpus

# Runs each harness for $$secs seconds on $(FUZZ_OUT)/<harness>.$$dir,
# seeded from the source corpus.  Crashes land in $(FUZZ_OUT) as
# <harness>-crash-<sha1>; the log of each run in $(FUZZ_OUT)/<harness>.log.
# The names all start with the harness's, which .gitignore covers for a
# build in the source tree.
FUZZ_RUN = \
	for h in $(FUZZ_HARNESSES); do \
		work="$(FUZZ_OUT)/$$h.$$dir"; \
		log="$(FUZZ_OUT)/$$h.log"; \
		$(MKDIR_P) "$$work" || exit 1; \
		cp "$(top_srcdir)/tests/fuzz/corpus/$$h"/* "$$work"/ || \
		    exit 1; \
		echo "  FUZZ     $$h ($$secs s)"; \
		if INNKEEP_FUZZ_TMPL_DIR="$(FUZZ_TMPL_DIR)" \
		    "$(FUZZ_OUT)/$$h" -max_total_time="$$secs" -max_len=65536 \
		    -artifact_prefix="$(FUZZ_OUT)/$$h-" "$$work" \
		    >"$$log" 2>&1; then \
			tail -n 1 "$$log"; \
		else \
			tail -n 40 "$$log"; \
			echo "$$h failed: see $$log" >&2; \
			exit 1; \
		fi; \
	done

fuzz-build:
	@command -v $(CLANG) >/dev/null 2>&1 || { \
		echo "fuzz-build needs clang with libFuzzer:" \
		    "apt-get install clang libclang-rt-dev" >&2; \
		exit 1; }
	@$(MKDIR_P) $(FUZZ_OUT)
	@for h in $(FUZZ_HARNESSES); do \
		echo "  CLANG    tests/fuzz/$$h"; \
		kind=parser; \
		case " $(FUZZ_TMPL_HARNESSES) " in \
		*" $$h "*) kind=tmpl;; esac; \
		case " $(FUZZ_SEARCH_HARNESSES) " in \
		*" $$h "*) kind=search;; esac; \
		case $$kind in \
		tmpl) \
			$(CLANG) $(FUZZ_FLAGS) $(XML_CFLAGS) \
			    -o $(FUZZ_OUT)/$$h \
			    $(top_srcdir)/tests/fuzz/$$h.c $(FUZZ_TMPL_SRCS) \
			    $(XML_LIBS) $(JANSSON_LIBS) || exit 1;; \
		search) \
			$(CLANG) $(FUZZ_FLAGS) $(PQ_CFLAGS) $(SODIUM_CFLAGS) \
			    -o $(FUZZ_OUT)/$$h \
			    $(top_srcdir)/tests/fuzz/$$h.c $(FUZZ_SEARCH_SRCS) \
			    $(SODIUM_LIBS) $(JANSSON_LIBS) || exit 1;; \
		*) \
			$(CLANG) $(FUZZ_FLAGS) -o $(FUZZ_OUT)/$$h \
			    $(top_srcdir)/tests/fuzz/$$h.c $(FUZZ_SRCS) \
			    $(JANSSON_LIBS) || exit 1;; \
		esac; \
	done

fuzz-smoke: fuzz-build
	@secs='$(FUZZ_SECONDS)'; test -n "$$secs" || secs=10; \
	dir=smoke; \
	for h in $(FUZZ_HARNESSES); do rm -rf "$(FUZZ_OUT)/$$h.smoke"; done; \
	$(FUZZ_RUN)

fuzz: fuzz-build
	@secs='$(FUZZ_SECONDS)'; test -n "$$secs" || secs=600; \
	dir=corpus; \
	$(FUZZ_RUN)

# Keeps crash files: they are the point of the exercise.
fuzz-clean:
	for h in $(FUZZ_HARNESSES); do \
		rm -rf $(FUZZ_OUT)/$$h $(FUZZ_OUT)/$$h.log \
		    $(FUZZ_OUT)/$$h.smoke $(FUZZ_OUT)/$$h.corpus; \
	done

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-clean
