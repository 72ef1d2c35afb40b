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

# libnftables is not linked: net/nftlib.c loads it when the firewall is first touched, so
# that a warm login's helper starts without it and the four libraries it needs (issue 22).
HELPER_LIBS = $(shell $(PKG_CONFIG) --libs libconfig libcap libseccomp libmnl)
PAM_LIBS    = $(shell $(PKG_CONFIG) --libs pam libcap libseccomp)
CTL_LIBS    = $(shell $(PKG_CONFIG) --libs libconfig libseccomp libmnl libssl libcrypto json-c)
CMOCKA_LIBS = $(shell $(PKG_CONFIG) --libs cmocka)
# The unit tests that run libnftables themselves (test_net) link it.
NFT_LIBS    = $(shell $(PKG_CONFIG) --libs libnftables)
# fleet/ (etcd over its HTTP/JSON gateway): warren-lease, warrenctl and the tests link it;
# never warren-helper, which every login starts (issue 22): it runs warren-lease.
FLEET_LIBS  = $(shell $(PKG_CONFIG) --libs libssl libcrypto json-c)
LEASE_LIBS  = $(shell $(PKG_CONFIG) --libs libconfig libcap) $(FLEET_LIBS)

# helper/ is folders by concern (HACKING.md), each built by wildcard into an archive, so
# that each program links only the objects it calls:
#   lib/        below everything          wire/       what pam_warren.so runs in sshd
#   policy/     config, limits, users     cgroup/ net/ storage/ fleet/   the kernel's and etcd
#   container/  building and entering     ctl/        warrenctl's commands
# The programs are the .c files at the top of helper/.  tests/unit/test_includes.sh
# holds the folders to their layers.
FOLDERS     = lib wire policy cgroup net storage fleet container
objs_of     = $(patsubst %.c,%.o,$(wildcard $(addprefix helper/,$(addsuffix /*.c,$(1)))))
LIB_OBJS    = $(call objs_of,lib)
WIRE_OBJS   = $(call objs_of,wire)
CORE_OBJS   = $(call objs_of,$(FOLDERS))
CTL_OBJS    = $(call objs_of,ctl)
PAM_OBJS    = $(patsubst %.c,%.o,$(wildcard pam_module/*.c))
# Everything but the programs and warrenctl's commands, and the part the module may link.
CORE_LIB    = helper/libwarren.a
WIRE_LIB    = helper/libwarren-wire.a
UNIT_TESTS  = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))

BINS = warren-helper warren-init warren-supervisor warren-refuse warren-sandbox warren-lease pam_warren.so warrenctl

all: $(BINS)

# Each object's header dependencies, as the compiler saw them (-MMD -MP).
%.o: %.c
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(wildcard helper/*.d helper/*/*.d pam_module/*.d)

$(CORE_LIB): $(CORE_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

$(WIRE_LIB): $(WIRE_OBJS) $(LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

warren-helper: helper/warren-helper.o $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# pid 1 of every container runs inside the image, which has none of our libraries.
warren-init: helper/warren-init.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -static -o $@ $^

# An idle container's supervisor, one per container for as long as it runs: static, and
# only libc and libcap, so that it holds little of the host's memory (issue 22).
warren-supervisor: helper/warren-supervisor.o $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -static-pie -o $@ $^ -l:libcap.a

warren-refuse: helper/warren-refuse.o
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^

# A user's fleet lease, held for as long as her container runs (helper/warren-lease.c).
warren-lease: helper/warren-lease.o $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LEASE_LIBS)

# Where warren-mklayer runs a layer build's package scripts.
warren-sandbox: helper/warren-sandbox.o $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

warrenctl: helper/warrenctl.o $(CTL_OBJS) $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(CTL_LIBS)

pam_warren.so: $(PAM_OBJS) $(WIRE_LIB) pam_module/module.map
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -shared -Wl,-z,defs \
		-Wl,--version-script=pam_module/module.map -o $@ $(PAM_OBJS) $(WIRE_LIB) $(PAM_LIBS)

# The module through a real libpam, with stub helpers.
tests/unit/test_pam: tests/unit/test_pam.c pam_warren.so
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(PAM_LIBS) $(CMOCKA_LIBS)

# The exported seccomp filter is run by a BPF evaluator of the test's own.
tests/unit/test_sysfilter: tests/unit/test_sysfilter.c tests/unit/bpf_eval.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS) $(CMOCKA_LIBS)

tests/unit/test_%: tests/unit/test_%.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS) $(FLEET_LIBS) $(NFT_LIBS) $(CMOCKA_LIBS)

# A test tool: fleet/'s leases against a real etcd (tests/e2e/95-fleet-lease.sh).
tests/lib/fleetdrive: tests/lib/fleetdrive.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS) $(FLEET_LIBS)

# A test tool: a container's resolv.conf as net/dns.c makes it (tests/e2e/99-dns-own-addresses.sh).
tests/lib/dnsprobe: tests/lib/dnsprobe.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# The fuzz targets (tests/fuzz) with a plain main() that replays files: the sanitizer
# build runs the corpus through them (tests/sanitizers.sh); `make fuzz` uses libFuzzer.
tests/fuzz/%-replay: tests/fuzz/%.c tests/fuzz/replay.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(HELPER_LIBS)

# With libFuzzer's main (clang, objects built with -fsanitize=fuzzer-no-link): make fuzz.
tests/fuzz/%-libfuzzer: tests/fuzz/%.c $(CORE_LIB)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(HELPER_LIBS)

# Unit tests: no root, seconds (test_libraries.sh reads the programs).
check: $(BINS) $(UNIT_TESTS)
	@tests/run.sh unit

# Everything this machine supports (root): unit, helper integration, end-to-end sshd logins.
test: all $(UNIT_TESTS) tests/lib/fleetdrive tests/lib/dnsprobe
	@tests/run.sh all

# Benchmarks (root, ~15 min, not part of test): writes BENCHMARKS.md.  The step timers
# (helper/lib/benchmark.h) go into a separate build in $(BENCH_BUILD) only; the binaries of
# `all` are the production ones and are what the figures measure unless said otherwise.
BENCH_BUILD ?= bench-build
bench: all
	rm -rf $(BENCH_BUILD) && mkdir -p $(BENCH_BUILD)
	cp -a Makefile helper pam_module $(BENCH_BUILD)/
	$(MAKE) -s -C $(BENCH_BUILD) clean
	$(MAKE) -s -C $(BENCH_BUILD) CFLAGS='$(CFLAGS) -DWARREN_BENCH' warren-helper warren-init warren-supervisor warren-lease warren-refuse pam_warren.so
	bash tests/bench/run.sh $(BENCH_BUILD)

# Deliberate bugs (tests/mutants/*.diff), each caught by the check its header names, in
# copies of the tree; root; MUTANTS=M3,M9 for some, MUTANTS_FULL=1 for the whole suite each.
mutants:
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
	install -m 0755 warren-helper warren-init warren-supervisor warren-refuse warren-sandbox warren-lease helper/warren-mkimage helper/warren-mklayer $(DESTDIR)$(LIBEXECDIR)/warren/
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
	rm -f $(BINS) helper/*.[oad] helper/*/*.[od] pam_module/*.[od] $(UNIT_TESTS) tests/fuzz/*-replay \
		tests/lib/fleetdrive tests/lib/dnsprobe

.PHONY: all check test bench mutants sanitize fuzz install uninstall clean
