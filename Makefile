# cafeboard -- a terminal idea board for facilitated workshops.
#
#   make            build client/cafeboard and server/cafeboard-server
#   make run        install what is missing, build, open the demo board
#                   (DAY=1: the demo day, with its run sheet)
#   make check      install what is missing, build, run every test
#   make asan       the same tests under address + undefined sanitizers
#   make bench      benchmarks (print figures; BASE=DIR adds an older build's)
#   make bench-quick the network benchmarks' short runs, for iteration
#   make fuzz       every libFuzzer target for FUZZ_SECONDS (clang)
#   make install    PREFIX=/usr/local DESTDIR=
#   make deb        a Debian package in build/deb/ (debhelper)

VERSION		= 0.1.0
PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
MANDIR		?= $(PREFIX)/share/man
LOCALEDIR	?= $(PREFIX)/share/locale
LIBEXECDIR	?= $(PREFIX)/libexec
DOCDIR		?= $(PREFIX)/share/doc/cafeboard
DESTDIR		?=

CC		?= cc
PKG_CONFIG	?= pkg-config
MSGFMT		?= msgfmt
XGETTEXT	?= xgettext
MSGMERGE	?= msgmerge

# Debian before trixie calls msgpack-c "msgpack"; later ones "msgpack-c".
MSGPACK_PC	:= $(shell $(PKG_CONFIG) --exists msgpack-c 2>/dev/null && echo msgpack-c || echo msgpack)

# SAN=1 (or make asan) builds everything apart under build-asan/.
ifeq ($(SAN),1)
B		:= build-asan
SANFLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined \
		   -fno-omit-frame-pointer
OPT		?= -O1 -g
SERVER_BIN	:= $(B)/cafeboard-server
CLIENT_BIN	:= $(B)/cafeboard
else
B		:= build
SANFLAGS	:=
OPT		?= -O2 -g
SERVER_BIN	:= server/cafeboard-server
CLIENT_BIN	:= client/cafeboard
endif

WARN		= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
		  -Wpointer-arith -Wformat=2 -Wno-format-nonliteral -Wvla
ifneq ($(CI),)
WARN		+= -Werror
endif

CPPFLAGS	+= -D_GNU_SOURCE -Icommon -DCB_VERSION='"$(VERSION)"' \
		   -DCB_LOCALEDIR='"$(LOCALEDIR)"'
CFLAGS		?=
ALL_CFLAGS	= -std=c11 $(OPT) $(WARN) $(SANFLAGS) $(CFLAGS) -MMD -MP
LDFLAGS		?=
ALL_LDFLAGS	= $(SANFLAGS) $(LDFLAGS)

MSGPACK_CFLAGS	= $(shell $(PKG_CONFIG) --cflags $(MSGPACK_PC) 2>/dev/null)
MSGPACK_LIBS	= $(shell $(PKG_CONFIG) --libs $(MSGPACK_PC) 2>/dev/null)
# libevent with its OpenSSL bufferevents (TLS in LAN mode).
EVENT_PC	= libevent libevent_openssl libssl libcrypto
EVENT_CFLAGS	= $(shell $(PKG_CONFIG) --cflags $(EVENT_PC) 2>/dev/null)
EVENT_LIBS	= $(shell $(PKG_CONFIG) --libs $(EVENT_PC) 2>/dev/null)
CURSES_CFLAGS	= $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS	= $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null)
CRIT_CFLAGS	= $(shell $(PKG_CONFIG) --cflags criterion 2>/dev/null)
CRIT_LIBS	= $(shell $(PKG_CONFIG) --libs criterion 2>/dev/null)

# ---------------------------------------------------------------- common/
COMMON_MODS	= xmalloc log ucd text idmap pairmap namemap proto model \
		  model-check model-state model-deliver model-deliver-state date \
		  rotation evlog grouping model-steps model-poll \
		  boardfile export export-md export-csv export-json export-html \
		  paths i18n fingerprint hostport
COMMON_OBJS	= $(COMMON_MODS:%=$(B)/common/%.o)
LIB		= $(B)/libcafeboard.a

# ---------------------------------------------------------------- server/
SERVER_MODS	= main server client-conn board store keyfile offline tls \
		  relay upstream
SERVER_OBJS	= $(SERVER_MODS:%=$(B)/server/%.o)

# ---------------------------------------------------------------- client/
CLIENT_MODS	= main net replica dial trust term boards spawn fetch editor \
		  layout ui ui-keys ui-draw ui-draw-cards ui-draw-results \
		  ui-draw-status ui-draw-modal ui-input ui-console ui-join \
		  ui-text plain plain-cmd ui-day plain-day ui-deliver \
		  plain-deliver
CLIENT_OBJS	= $(CLIENT_MODS:%=$(B)/client/%.o)
# Client tests link the client's objects (all but main for the TUI test).
CLIENT_TEST_OBJS = $(B)/client/editor.o $(B)/client/layout.o
TUI_TEST_OBJS	= $(filter-out $(B)/client/main.o,$(CLIENT_OBJS))
# The connection's test follows net.c's bufferevents through wrappers.
NET_TEST_OBJS	= $(B)/client/net.o $(B)/client/replica.o $(B)/client/spawn.o \
		  $(B)/client/dial.o $(B)/client/trust.o
NET_TEST_WRAP	= -Wl,--wrap=bufferevent_setcb -Wl,--wrap=bufferevent_free

# ---------------------------------------------------------------- tests/
# Criterion suites, one binary each.
UNIT_TESTS	= test_text test_idmap test_proto test_model test_rotation test_evlog \
		  test_boardfile test_export test_editor test_layout test_tui test_plain \
		  test_cafe test_server test_pipeline test_shaper test_net \
		  test_session test_merge test_connect test_deploy test_fuzz \
		  test_soak test_grouping test_day test_tui_day test_a11y \
		  test_relay test_deliver test_hostport
UNIT_BINS	= $(UNIT_TESTS:%=$(B)/tests/%)
# Objects every test binary may link (the raw protocol test client).
TSUPPORT_MODS	= tsupport
TSUPPORT_OBJS	= $(TSUPPORT_MODS:%=$(B)/tests/%.o)
# The actors of the end-to-end scenario suites (test_cafe, test_day).
ACTOR_MODS	= actor
ACTOR_OBJS	= $(ACTOR_MODS:%=$(B)/tests/%.o)
# The tmux harness of the suites that drive the real client.
TUI_HARNESS_MODS = tui-harness
TUI_HARNESS_OBJS = $(TUI_HARNESS_MODS:%=$(B)/tests/%.o)

# Programs the tests and benchmarks run (the shaped link of a room).
TEST_PROGS	= shaper
TEST_PROG_BINS	= $(TEST_PROGS:%=$(B)/tests/%)

# Benchmarks: print figures, assert nothing about time.  The network ones
# link bsupport (builds side by side, anchors, the report).
BENCHES		= bench_model bench_proto bench_rotation bench_evlog bench_cafe \
		  bench_fanout bench_latency bench_catchup bench_tty bench_room \
		  bench_plain bench_relay
BENCHES_QUICK	= bench_proto bench_fanout bench_latency bench_catchup \
		  bench_tty bench_room bench_relay
BENCH_BINS	= $(BENCHES:%=$(B)/tests/%)
BSUPPORT_MODS	= bsupport
BSUPPORT_OBJS	= $(BSUPPORT_MODS:%=$(B)/tests/%.o)
# An older build to print beside this one: make bench BASE=/path/to/tree.
BASE		?=
BENCH_JSON	= $(B)/bench.json

# ---------------------------------------------------------------- po/
# Catalogues: po/LANG.po -> build/locale/LANG/LC_MESSAGES/cafeboard.mo, where
# common/i18n.c finds them when the programs run from the checkout.  Every
# build (SAN=1 too) uses the same catalogues.
LINGUAS		= fr
MO_FILES	= $(LINGUAS:%=build/locale/%/LC_MESSAGES/cafeboard.mo)
# Sources with translatable strings: the client, the server's command line
# and what they share.
PO_LPAREN	:= (
PO_SOURCES	= $(sort $(wildcard client/*.c server/*.c) \
		  $(shell grep -lF '_$(PO_LPAREN)"' common/*.c 2>/dev/null))

PROGS		= $(SERVER_BIN) $(CLIENT_BIN)

.PHONY: all deps run check check-build asan bench bench-quick install \
	uninstall clean lint-man po update-po deb

all: $(LIB) $(PROGS) $(MO_FILES)

# Keep objects that pattern rules build on the way to a test binary.
.SECONDARY:

deps:
	@sh .ci/deps

# What the programs embed (the catalogues' directory, the version): when
# it changes -- make install PREFIX=/usr after a plain make -- every object
# is built again, since the file changes only then.
BUILD_CONFIG	= $(B)/build-config
$(BUILD_CONFIG): FORCE
	@mkdir -p $(@D)
	@printf '%s\n' "LOCALEDIR=$(LOCALEDIR) VERSION=$(VERSION)" > $@.new; \
	if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

.PHONY: FORCE
FORCE:

$(B)/common/%.o: common/%.c $(BUILD_CONFIG)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(MSGPACK_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/server/%.o: server/%.c $(BUILD_CONFIG)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(MSGPACK_CFLAGS) $(EVENT_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(B)/client/%.o: client/%.c $(BUILD_CONFIG)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(MSGPACK_CFLAGS) $(EVENT_CFLAGS) $(CURSES_CFLAGS) \
	    $(ALL_CFLAGS) -c -o $@ $<

$(B)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(MSGPACK_CFLAGS) $(EVENT_CFLAGS) \
	    $(CRIT_CFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(COMMON_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(COMMON_OBJS)

$(SERVER_BIN): $(SERVER_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(SERVER_OBJS) $(LIB) $(EVENT_LIBS) \
	    $(MSGPACK_LIBS) -lm

$(CLIENT_BIN): $(CLIENT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLIENT_OBJS) $(LIB) $(CURSES_LIBS) \
	    $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/test_%: $(B)/tests/test_%.o $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TSUPPORT_OBJS) $(LIB) $(CRIT_LIBS) \
	    $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/test_editor $(B)/tests/test_layout: $(B)/tests/%: \
    $(B)/tests/%.o $(CLIENT_TEST_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(CLIENT_TEST_OBJS) $(LIB) $(CRIT_LIBS) \
	    $(MSGPACK_LIBS) -lm

$(B)/tests/test_session $(B)/tests/test_deploy $(B)/tests/test_a11y \
    $(B)/tests/test_deliver: \
    $(B)/tests/%: \
    $(B)/tests/%.o $(TUI_HARNESS_OBJS) \
    $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUI_HARNESS_OBJS) $(TSUPPORT_OBJS) \
	    $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

# The scenario suites play actors; the café's also drives the real client.
$(B)/tests/test_cafe: $(B)/tests/test_cafe.o $(ACTOR_OBJS) \
    $(TUI_HARNESS_OBJS) $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ACTOR_OBJS) $(TUI_HARNESS_OBJS) \
	    $(TSUPPORT_OBJS) $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/test_day: $(B)/tests/test_day.o $(ACTOR_OBJS) $(TSUPPORT_OBJS) \
    $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ACTOR_OBJS) $(TSUPPORT_OBJS) $(LIB) \
	    $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

# The fuzz targets' replay reads logs as the server loads them (store.c).
$(B)/tests/test_fuzz.o: CPPFLAGS += -Iserver
$(B)/tests/test_fuzz: $(B)/tests/test_fuzz.o $(B)/server/store.o \
    $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/server/store.o $(TSUPPORT_OBJS) \
	    $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm


# The pipeline test plays the client's replica against the server's model.
$(B)/tests/test_pipeline: $(B)/tests/test_pipeline.o $(B)/client/replica.o \
    $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(B)/client/replica.o $(TSUPPORT_OBJS) \
	    $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/test_tui.o $(B)/tests/test_connect.o: CFLAGS += $(CURSES_CFLAGS)
$(B)/tests/test_tui $(B)/tests/test_connect: $(B)/tests/%: $(B)/tests/%.o \
    $(TUI_TEST_OBJS) $(TUI_HARNESS_OBJS) $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUI_TEST_OBJS) $(TUI_HARNESS_OBJS) \
	    $(TSUPPORT_OBJS) $(LIB) $(CRIT_LIBS) $(CURSES_LIBS) $(EVENT_LIBS) \
	    $(MSGPACK_LIBS) -lm

# The day's terminal test drives the client binary only.
$(B)/tests/test_tui_day: $(B)/tests/test_tui_day.o $(TUI_HARNESS_OBJS) \
    $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUI_HARNESS_OBJS) $(TSUPPORT_OBJS) \
	    $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/test_net: $(B)/tests/test_net.o $(NET_TEST_OBJS) $(TSUPPORT_OBJS) \
    $(LIB)
	$(CC) $(ALL_LDFLAGS) $(NET_TEST_WRAP) -o $@ $< $(NET_TEST_OBJS) \
	    $(TSUPPORT_OBJS) $(LIB) $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

# The line mode's test runs the client on pseudo-terminals (forkpty) and
# calls its output functions.
$(B)/tests/test_plain: $(B)/tests/test_plain.o $(TUI_TEST_OBJS) \
    $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TUI_TEST_OBJS) $(TSUPPORT_OBJS) $(LIB) \
	    $(CRIT_LIBS) $(CURSES_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lutil -lm

$(B)/tests/bench_plain: $(B)/tests/bench_plain.o $(TSUPPORT_OBJS) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TSUPPORT_OBJS) $(LIB) $(CRIT_LIBS) \
	    $(EVENT_LIBS) $(MSGPACK_LIBS) -lutil -lm

$(B)/tests/bench_%: $(B)/tests/bench_%.o $(BSUPPORT_OBJS) $(TSUPPORT_OBJS) \
    $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BSUPPORT_OBJS) $(TSUPPORT_OBJS) $(LIB) \
	    $(CRIT_LIBS) $(EVENT_LIBS) $(MSGPACK_LIBS) -lm

$(B)/tests/shaper: $(B)/tests/shaper.o
	$(CC) $(ALL_LDFLAGS) -o $@ $<

po: $(MO_FILES)

build/locale/%/LC_MESSAGES/cafeboard.mo: po/%.po
	@mkdir -p $(@D)
	$(MSGFMT) --check --statistics -o $@ $<

# Regenerate the template from the sources and merge it into each catalogue.
update-po:
	$(XGETTEXT) --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	    --keyword=NC_:1c,2 --keyword=ngettext:1,2 \
	    --add-comments=TRANSLATORS: \
	    --package-name=cafeboard --package-version=$(VERSION) \
	    --sort-by-file -o po/cafeboard.pot $(PO_SOURCES)
	for l in $(LINGUAS); do \
	    $(MSGMERGE) --quiet --update --backup=none --no-fuzzy-matching \
	    po/$$l.po po/cafeboard.pot || exit 1; done

# Each benchmark prints its table; every figure also goes, one JSON object
# a line, to $(B)/bench.jsonl, gathered into one array in $(BENCH_JSON).
# BASE (or CB_BASE_SERVER and CB_BASE_CLIENT) names an older build that
# the network benchmarks measure in the same run, beside this one.
BENCH_ENV	= CB_SERVER=$(CURDIR)/$(SERVER_BIN) \
		  CB_CLIENT=$(CURDIR)/$(CLIENT_BIN) CB_TOP=$(CURDIR) \
		  CB_BUILD=$(CURDIR)/$(B) CB_BENCH_JSON=$(CURDIR)/$(B)/bench.jsonl \
		  $(if $(BASE),CB_BASE_SERVER=$(abspath $(BASE))/server/cafeboard-server \
		  CB_BASE_CLIENT=$(abspath $(BASE))/client/cafeboard)

bench: $(LIB) $(PROGS) $(BENCH_BINS) $(TEST_PROG_BINS)
	@rm -f $(B)/bench.jsonl
	@for b in $(BENCHES); do echo "== $$b"; \
	    $(BENCH_ENV) $(B)/tests/$$b || exit 1; done
	@{ echo '['; sed '$$!s/$$/,/' $(B)/bench.jsonl; echo ']'; } \
	    > $(BENCH_JSON) && echo "figures: $(BENCH_JSON)"

bench-quick: $(LIB) $(PROGS) $(BENCH_BINS) $(TEST_PROG_BINS)
	@rm -f $(B)/bench.jsonl
	@for b in $(BENCHES_QUICK); do echo "== $$b"; \
	    CB_BENCH_QUICK=1 $(BENCH_ENV) $(B)/tests/$$b || exit 1; done
	@{ echo '['; sed '$$!s/$$/,/' $(B)/bench.jsonl; echo ']'; } \
	    > $(BENCH_JSON) && echo "figures: $(BENCH_JSON)"

check-build: $(LIB) $(PROGS) $(UNIT_BINS) $(TEST_PROG_BINS) $(MO_FILES)

# Every suite runs even when one fails; the target fails if any did.
check: deps
	@$(MAKE) --no-print-directory check-build
	@sh tests/fetch-sshd
	@CB_SERVER=$(CURDIR)/$(SERVER_BIN) CB_CLIENT=$(CURDIR)/$(CLIENT_BIN) \
	    CB_TOP=$(CURDIR) CB_BUILD=$(CURDIR)/$(B) \
	    sh tests/run $(UNIT_BINS)

asan:
	@$(MAKE) --no-print-directory SAN=1 check

# The demo board lives where a local server keeps its boards by default,
# and the client talks to that local server even where a system one runs.
RUN_DATA	= $${STATE_DIRECTORY:-$${XDG_DATA_HOME:-$$HOME/.local/share}/cafeboard}
# make run DAY=1 opens the territorial day and its run sheet instead.
ifeq ($(DAY),1)
RUN_BOARD	= seed-day
else
RUN_BOARD	= seed-cafe
endif

run: deps
	@$(MAKE) --no-print-directory all
	@data="$(RUN_DATA)"; \
	if [ ! -f "$$data/$(RUN_BOARD)/events.log" ]; then \
	    ./$(SERVER_BIN) --data "$$data" create $(RUN_BOARD) \
	        --from examples/$(RUN_BOARD).board || exit 1; \
	fi; \
	CAFEBOARD_SYSTEM_SOCKET= exec ./$(CLIENT_BIN) --board $(RUN_BOARD) \
	    --auto-name --key-file "$$data/facilitator.key"

# What make install puts where (the README lists the same files).
MANS1		= man/cafeboard.1 man/cafeboard-server.1
MANS5		= man/cafeboard-protocol.5
EXDIR		= $(DOCDIR)/examples

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(LIBEXECDIR)/cafeboard \
	    $(DESTDIR)$(EXDIR)/sshd_config.d
	install -m 755 $(PROGS) $(DESTDIR)$(BINDIR)/
	install -m 755 contrib/cafeboard-ssh $(DESTDIR)$(LIBEXECDIR)/cafeboard/
	install -m 644 $(MANS1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MANS5) $(DESTDIR)$(MANDIR)/man5/
	for l in $(LINGUAS); do \
	    install -d $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES && \
	    install -m 644 build/locale/$$l/LC_MESSAGES/cafeboard.mo \
	    $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/ || exit 1; done
	install -m 644 examples/seed-cafe.board $(DESTDIR)$(EXDIR)/
	sed -e 's|/usr/libexec/|$(LIBEXECDIR)/|g' \
	    contrib/sshd_config.d/cafeboard.conf \
	    > $(DESTDIR)$(EXDIR)/sshd_config.d/cafeboard.conf
	sed -e 's|/usr/bin/|$(BINDIR)/|g' contrib/cafeboard.service \
	    > $(DESTDIR)$(EXDIR)/cafeboard.service
	chmod 644 $(DESTDIR)$(EXDIR)/sshd_config.d/cafeboard.conf \
	    $(DESTDIR)$(EXDIR)/cafeboard.service

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/cafeboard $(DESTDIR)$(BINDIR)/cafeboard-server
	rm -f $(DESTDIR)$(LIBEXECDIR)/cafeboard/cafeboard-ssh
	rm -f $(MANS1:man/%=$(DESTDIR)$(MANDIR)/man1/%) \
	    $(MANS5:man/%=$(DESTDIR)$(MANDIR)/man5/%)
	for l in $(LINGUAS); do \
	    rm -f $(DESTDIR)$(LOCALEDIR)/$$l/LC_MESSAGES/cafeboard.mo; done
	rm -f $(DESTDIR)$(EXDIR)/seed-cafe.board \
	    $(DESTDIR)$(EXDIR)/sshd_config.d/cafeboard.conf \
	    $(DESTDIR)$(EXDIR)/cafeboard.service
	-rmdir $(DESTDIR)$(EXDIR)/sshd_config.d $(DESTDIR)$(EXDIR) \
	    $(DESTDIR)$(DOCDIR) $(DESTDIR)$(LIBEXECDIR)/cafeboard 2>/dev/null

# make deb: a binary package built by debhelper from a copy of this tree
# (debian/, with the unit, user and runtime directory of contrib/), into
# build/deb/.  The changelog is made here from VERSION, its one place.
DEB_DIR		= build/deb
DEB_SRC		= $(DEB_DIR)/cafeboard-$(VERSION)

deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null \
	    || { echo "make deb: needs dpkg-dev and debhelper" \
	    "(apt-get install dpkg-dev debhelper)" >&2; exit 1; }
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_SRC)
	tar -c --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
	    --exclude=./.git --exclude=./server/cafeboard-server \
	    --exclude=./client/cafeboard . | tar -x -C $(DEB_SRC)
	printf '%s\n\n  * %s\n\n -- %s  %s\n' \
	    "cafeboard ($(VERSION)) unstable; urgency=medium" \
	    "Release $(VERSION)." \
	    "$$(sed -n 's/^Maintainer: //p' debian/control)" \
	    "$$(date -R)" > $(DEB_SRC)/debian/changelog
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS="parallel=2 $(DEB_BUILD_OPTIONS)" \
	    dpkg-buildpackage -us -uc -b
	@ls $(DEB_DIR)/*.deb

lint-man:
	@for m in man/*.[1-9]; do [ -f "$$m" ] || continue; \
	    mandoc -Tlint -W warning $$m || exit 1; \
	    out=$$(groff -ww -mandoc -Tutf8 -z $$m 2>&1); \
	    if [ -n "$$out" ]; then echo "$$out"; exit 1; fi; done

# ---------------------------------------------------------------- fuzzing
# libFuzzer (clang) targets, one per reader of what comes from outside:
#   proto      a protocol frame body               tests/fuzz_proto.c
#   evlog      an event log, loaded as a board     tests/fuzz_evlog.c
#   snapshot   a snapshot, or the STATE records    tests/fuzz_snapshot.c
#   boardfile  a board file                        tests/fuzz_boardfile.c
#   text       a string: sanitiser, names, folds   tests/fuzz_text.c
# make fuzz runs each for FUZZ_SECONDS from its seeds (tests/fixtures/fuzz/
# NAME; proto: tests/fixtures/proto-corpus), growing build-fuzz/corpus/NAME;
# a crash stays as build-fuzz/NAME-crash-... (once fixed, keep it among the
# seeds).  make check replays the seeds through the same entry points
# (test_proto, test_fuzz).  make fuzz-ci: FUZZ_CI_SECONDS each, for CI.
# Everything is built apart under build-fuzz/ with the sanitizers.
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_CI_SECONDS	?= 30
FUZZ_TARGETS	= proto evlog snapshot boardfile text
FUZZ_BINS	= $(FUZZ_TARGETS:%=build-fuzz/fuzz_%)
FUZZ_FLAGS	= -std=c11 -g -O1 -fno-omit-frame-pointer \
		  -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_OBJS	= $(COMMON_MODS:%=build-fuzz/common/%.o) \
		  build-fuzz/server/store.o
FUZZ_LIB	= build-fuzz/libcafeboard.a

.PHONY: fuzz fuzz-ci
fuzz: $(FUZZ_BINS)
	@sh tests/fuzz-run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-ci: $(FUZZ_BINS)
	@sh tests/fuzz-run $(FUZZ_CI_SECONDS) $(FUZZ_TARGETS)

# The library is instrumented for coverage; only the targets link libFuzzer.
build-fuzz/common/%.o: common/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(MSGPACK_CFLAGS) $(FUZZ_FLAGS) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

build-fuzz/server/%.o: server/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CPPFLAGS) $(MSGPACK_CFLAGS) $(FUZZ_FLAGS) \
	    -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	@rm -f $@
	$(AR) rcs $@ $(FUZZ_OBJS)

build-fuzz/fuzz_%: tests/fuzz_%.c tests/fuzz.h $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -Iserver -Itests $(MSGPACK_CFLAGS) \
	    $(FUZZ_FLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(FUZZ_LIB) \
	    $(MSGPACK_LIBS) -lm

clean:
	rm -rf build build-asan server/cafeboard-server client/cafeboard
	rm -rf build-fuzz

# Dependency files of exactly the objects this build knows (a renamed
# source leaves no stale .d behind to confuse it).
ALL_OBJS	= $(COMMON_OBJS) $(SERVER_OBJS) $(CLIENT_OBJS) $(TSUPPORT_OBJS) \
		  $(ACTOR_OBJS) $(TUI_HARNESS_OBJS) $(BSUPPORT_OBJS) \
		  $(UNIT_TESTS:%=$(B)/tests/%.o) \
		  $(BENCHES:%=$(B)/tests/%.o) $(TEST_PROGS:%=$(B)/tests/%.o)
-include $(ALL_OBJS:.o=.d) $(FUZZ_OBJS:.o=.d) $(FUZZ_BINS:=.d)
