# warren - a login jail for multi-tenant shell hosts.
# Targets: all check test bench mutants sanitize fuzz install uninstall clean.  Adds to the user's CFLAGS/LDFLAGS.

PREFIX     ?= /usr
SYSCONFDIR ?= /etc
LIBEXECDIR ?= $(PREFIX)/libexec
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
PAMDIR     ?= $(shell $(PKG_CONFIG) --variable=libdir pam)/security
DESTDIR    ?=

CC     ?= cc
CFLAGS ?= -O2 -g
WARN    = -Wall -Wextra -Wshadow -Wformat=2 -Wformat-security -Wmissing-prototypes \
          -Wstrict-prototypes -Wno-unused-parameter -Werror=implicit-function-declaration
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIC
DEFS    = -D_GNU_SOURCE -DSYSCONFDIR='"$(SYSCONFDIR)"' -DLIBEXECDIR='"$(LIBEXECDIR)"'
ALL_CFLAGS  = -std=gnu11 $(WARN) $(HARDEN) $(DEFS) -Ihelper -Ipam_module $(CFLAGS)
ALL_LDFLAGS = -Wl,-z,relro,-z,now $(LDFLAGS)
ifeq ($(WERROR),1)
ALL_CFLAGS += -Werror
endif

HELPER_LIBS = $(shell $(PKG_CONFIG) --libs libconfig libcap libseccomp libmnl libnftables)
PAM_LIBS    = $(shell $(PKG_CONFIG) --libs pam libcap libseccomp)
CTL_LIBS    = $(shell $(PKG_CONFIG) --libs libconfig libnftables libseccomp)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)

# Pure logic, shared with the unit tests.
PURE_OBJS   = helper/config.o helper/names.o helper/idmap.o helper/reslimits.o helper/strv.o \
              helper/netaddr.o helper/errors.o
# The module <-> helper wire and the ways into a container, linked into both.
SHARED_OBJS = helper/protocol.o helper/creds.o helper/nsjoin.o helper/fsutil.o helper/sysfilter.o \
              helper/sysprofile.o
HELPER_OBJS = $(PURE_OBJS) $(SHARED_OBJS) helper/main.o helper/log.o helper/policy.o helper/lastgood.o \
              helper/users.o helper/spec.o helper/state.o helper/cgroup.o helper/cgroup-v1.o \
              helper/cgroup-v2.o helper/container.o helper/build.o helper/layers.o \
              helper/disk.o helper/storage.o helper/migrate.o helper/tree.o helper/tool.o \
              helper/rootfs.o helper/supervisor.o helper/enter.o helper/net.o helper/netalloc.o \
              helper/netlink.o helper/nft.o helper/dns.o helper/sessions.o helper/relay.o helper/events.o helper/gc.o \
              helper/reset.o helper/stack.o
CTL_OBJS    = $(PURE_OBJS) helper/users.o helper/lastgood.o helper/fsutil.o helper/disk.o \
              helper/tool.o helper/log.o helper/netalloc.o helper/events.o helper/ctl_log.o \
              helper/ctl_ls.o helper/ctl_stop.o helper/ctl_doctor.o helper/ctl_exec.o helper/ctl_image.o \
              helper/ctl_json.o helper/spec.o helper/idmap.o \
              helper/state.o helper/stack.o helper/cgroup.o helper/cgroup-v1.o helper/cgroup-v2.o \
              helper/warrenctl.o helper/sysprofile.o
PAM_OBJS    = pam_module/pam_warren.o pam_module/spawn.o pam_module/join.o $(SHARED_OBJS) \
              helper/errors.o
UNIT_TESTS  = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
# Everything of the helper but its main: what the fuzz targets call.
LIB_OBJS    = $(filter-out helper/main.o,$(HELPER_OBJS))

BINS = warren-helper warren-init warren-refuse pam_warren.so warrenctl

all: $(BINS)

%.o: %.c $(wildcard helper/*.h pam_module/*.h)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

warren-helper: $(HELPER_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# pid 1 of every container runs inside the image, which has none of our libraries.
warren-init: helper/init.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -static -o $@ $^

warren-refuse: helper/refuse.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^

warrenctl: $(CTL_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(CTL_LIBS)

pam_warren.so: $(PAM_OBJS) pam_module/module.map
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -shared -Wl,-z,defs \
		-Wl,--version-script=pam_module/module.map -o $@ $(PAM_OBJS) $(PAM_LIBS)

# The module through a real libpam, with stub helpers.
tests/unit/test_pam: tests/unit/test_pam.c pam_warren.so
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PAM_LIBS) $(CMOCKA_LIBS)

# The cgroup writers' unit conversions are pure functions of cgroup.c.
tests/unit/test_limits: tests/unit/test_limits.c $(PURE_OBJS) helper/cgroup.o helper/cgroup-v1.o \
                       helper/cgroup-v2.o helper/fsutil.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS) $(CMOCKA_LIBS)

tests/unit/test_net: tests/unit/test_net.c $(PURE_OBJS) helper/netalloc.o helper/fsutil.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS) $(CMOCKA_LIBS)

tests/unit/test_sysfilter: tests/unit/test_sysfilter.c tests/unit/bpf_eval.c helper/sysfilter.o helper/sysprofile.o helper/errors.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(shell $(PKG_CONFIG) --libs libseccomp) $(CMOCKA_LIBS)

tests/unit/test_protocol: tests/unit/test_protocol.c helper/protocol.o helper/errors.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(CMOCKA_LIBS)

tests/unit/test_%: tests/unit/test_%.c $(PURE_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PURE_OBJS) $(HELPER_LIBS) $(CMOCKA_LIBS)

# The fuzz targets (tests/fuzz) with a plain main() that replays files: the sanitizer
# build runs the corpus through them (tests/sanitizers.sh); `make fuzz` uses libFuzzer.
tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# With libFuzzer's main (clang, objects built with -fsanitize=fuzzer-no-link): make fuzz.
tests/fuzz/%-libfuzzer: tests/fuzz/%.c $(LIB_OBJS)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(HELPER_LIBS)

# Unit tests: no root, seconds.
check: $(UNIT_TESTS)
	@tests/run.sh unit

# Everything this machine supports (root): unit, helper integration, end-to-end sshd logins.
test: all $(UNIT_TESTS)
	@tests/run.sh all

# Benchmarks (root, ~15 min, not part of test): writes BENCHMARKS.md.  The step timers
# (helper/benchmark.h) go into a separate build in $(BENCH_BUILD) only; the binaries of
# `all` are the production ones and are what the figures measure unless said otherwise.
BENCH_BUILD ?= bench-build
bench: all
	rm -rf $(BENCH_BUILD) && mkdir -p $(BENCH_BUILD)
	cp -a Makefile helper pam_module $(BENCH_BUILD)/
	$(MAKE) -s -C $(BENCH_BUILD) clean
	$(MAKE) -s -C $(BENCH_BUILD) CFLAGS='$(CFLAGS) -DWARREN_BENCH' warren-helper warren-init pam_warren.so
	bash tests/bench/run.sh $(BENCH_BUILD)

# Deliberate bugs (tests/mutants/*.diff) the suite must catch; root, long, not in CI.
mutants: all
	@tests/mutants/run.sh

# The sanitizer build and its runs alone (make test runs them too).
sanitize:
	@bash tests/sanitizers.sh

# libFuzzer on each target (clang; not in CI): FUZZ_SECONDS each, from tests/fuzz/corpus.
fuzz:
	@tests/fuzz/run.sh

install: all
	install -d $(DESTDIR)$(PAMDIR) $(DESTDIR)$(LIBEXECDIR)/warren $(DESTDIR)$(SYSCONFDIR)/warren \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SBINDIR)
	install -m 0644 pam_warren.so $(DESTDIR)$(PAMDIR)/pam_warren.so
	install -m 0755 warren-helper warren-init warren-refuse helper/warren-mkimage helper/warren-mklayer $(DESTDIR)$(LIBEXECDIR)/warren/
	install -m 0644 conf/warren.conf $(DESTDIR)$(SYSCONFDIR)/warren/warren.conf.example
	install -m 0644 conf/warren.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 conf/pam_warren.8 conf/warren-helper.8 conf/warrenctl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0755 warrenctl $(DESTDIR)$(SBINDIR)/warrenctl

uninstall:
	rm -f $(DESTDIR)$(PAMDIR)/pam_warren.so $(DESTDIR)$(SYSCONFDIR)/warren/warren.conf.example \
		$(DESTDIR)$(MANDIR)/man5/warren.conf.5 $(DESTDIR)$(MANDIR)/man8/pam_warren.8 \
		$(DESTDIR)$(MANDIR)/man8/warren-helper.8 $(DESTDIR)$(MANDIR)/man8/warrenctl.8 \
		$(DESTDIR)$(SBINDIR)/warrenctl
	rm -rf $(DESTDIR)$(LIBEXECDIR)/warren

clean:
	rm -f $(BINS) helper/*.o pam_module/*.o $(UNIT_TESTS) tests/fuzz/*-replay

.PHONY: all check test bench mutants sanitize fuzz install uninstall clean
