// SPDX-License-Identifier: GPL-2.0-or-later
/* Fuzz replay driver without libFuzzer: the seed corpus, then a seeded mutation loop. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "fuzz.h"

#define FUZZ_MAX_INPUT (64 * 1024)
#define MAX_POOL 4096

struct input {
	uint8_t *data;
	size_t len;
};

static struct input pool[MAX_POOL];
static size_t npool;

/* The input being run, kept where the crash hooks can reach it without allocating. */
static uint8_t cur[FUZZ_MAX_INPUT];
static size_t cur_len;
static const char *crash_path = "fuzz-crash.bin";
static uint64_t rng;

static uint64_t rnd(void)
{
	/* xorshift64*: fixed seed -> the same inputs on every machine */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * UINT64_C(2685821657736338717);
}

static size_t below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static void save_current(void)
{
	int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return;
	/* Best effort from a dying process: a short write leaves a shorter reproducer. */
	if (write(fd, cur, cur_len) < 0)
		cur_len = 0;
	close(fd);
	static const char msg[] = "fuzz: crashing input written to ";
	if (write(2, msg, sizeof(msg) - 1) < 0 || write(2, crash_path, strlen(crash_path)) < 0 ||
	    write(2, "\n", 1) < 0)
		cur_len = 0;
}

static void on_signal(int sig)
{
	save_current();
	raise(sig); /* SA_RESETHAND: die of the same signal */
}

/* Sanitizers report through their own handlers; ask them to call us before they exit. */
extern void __sanitizer_set_death_callback(void (*cb)(void)) __attribute__((weak));

static void hooks(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = (int)SA_RESETHAND };

	/* under a sanitizer its own handlers must stay: they print the report */
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(save_current);
		return;
	}
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static void run(const uint8_t *data, size_t len)
{
	cur_len = len;
	memcpy(cur, data, len);
	/* The harness gets an exact-size heap copy so a read past the end is an ASan report. */
	uint8_t *copy = malloc(len ? len : 1);
	if (!copy) {
		perror("malloc");
		exit(1);
	}
	memcpy(copy, data, len);
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
}

static int add_file(const char *path)
{
	struct input *in;
	FILE *f;

	if (npool == MAX_POOL)
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	in = &pool[npool];
	in->data = malloc(FUZZ_MAX_INPUT);
	if (!in->data) {
		fclose(f);
		return -1;
	}
	in->len = fread(in->data, 1, FUZZ_MAX_INPUT, f);
	fclose(f);
	npool++;
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory's regular files in name order (readdir order differs between file systems). */
static int add_path(const char *path)
{
	char *names[MAX_POOL], full[4096];
	size_t n = 0;
	struct dirent *de;
	struct stat st;
	int ret = 0;
	DIR *d;

	if (stat(path, &st)) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return add_file(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)) && n < MAX_POOL) {
		if (de->d_name[0] == '.')
			continue;
		names[n] = strdup(de->d_name);
		if (names[n])
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	for (size_t i = 0; i < n; i++) {
		snprintf(full, sizeof(full), "%s/%s", path, names[i]);
		if (!stat(full, &st) && S_ISREG(st.st_mode) && add_file(full))
			ret = -1;
		free(names[i]);
	}
	return ret;
}

static size_t ndict(void)
{
	size_t n = 0;

	while (fuzz_dict[n])
		n++;
	return n;
}

/* Values that sit on the boundaries length and type checks compare against. */
static const uint16_t interesting16[] = { 0,  1,  2,	3,    4,    5,	   7,	   8,	   12,
					  16, 20, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff };

/* One to four stacked edits of buf[*len] (capacity FUZZ_MAX_INPUT). */
static void mutate(uint8_t *buf, size_t *len)
{
	size_t edits = 1 + below(4), nd = ndict();

	for (size_t e = 0; e < edits; e++) {
		size_t n = *len, pos = below(n), k;

		switch (below(9)) {
		case 0: /* flip a bit */
			if (n)
				buf[pos] ^= (uint8_t)(1u << below(8));
			break;
		case 1: /* random byte */
			if (n)
				buf[pos] = (uint8_t)rnd();
			break;
		case 2: /* 16-bit boundary value, either byte order, netlink lengths are 16 bits */
			if (n >= 2) {
				uint16_t v = interesting16[below(sizeof(interesting16) / 2)];

				pos = below(n - 1);
				if (rnd() & 1)
					v = (uint16_t)(v << 8 | v >> 8);
				memcpy(buf + pos, &v, 2);
			}
			break;
		case 3: /* insert random bytes */
			k = 1 + below(8);
			if (n + k <= FUZZ_MAX_INPUT) {
				memmove(buf + pos + k, buf + pos, n - pos);
				for (size_t i = 0; i < k; i++)
					buf[pos + i] = (uint8_t)rnd();
				*len = n + k;
			}
			break;
		case 4: /* delete a range */
			if (n) {
				k = 1 + below(n - pos < 16 ? n - pos : 16);
				memmove(buf + pos, buf + pos + k, n - pos - k);
				*len = n - k;
			}
			break;
		case 5: /* copy a range over another place */
			if (n) {
				size_t from = below(n);

				k = 1 + below(n - (from > pos ? from : pos));
				memmove(buf + pos, buf + from, k);
			}
			break;
		case 6: /* splice: the head of this input, the tail of another */
			if (npool) {
				const struct input *o = &pool[below(npool)];
				size_t at = below(o->len);

				k = o->len - at;
				if (pos + k > FUZZ_MAX_INPUT)
					k = FUZZ_MAX_INPUT - pos;
				memcpy(buf + pos, o->data + at, k);
				*len = pos + k;
			}
			break;
		case 7: /* dictionary token */
			if (nd) {
				const char *w = fuzz_dict[below(nd)];

				k = strlen(w);
				if (n + k <= FUZZ_MAX_INPUT) {
					memmove(buf + pos + k, buf + pos, n - pos);
					memcpy(buf + pos, w, k);
					*len = n + k;
				}
			}
			break;
		default: /* truncate */
			*len = pos;
			break;
		}
	}
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [-n ITERATIONS] [-s SEED] [-t SECONDS] [-c CRASHFILE] PATH...\n"
		"Replays every file of each PATH (file or directory), then runs ITERATIONS\n"
		"(default 20000) mutations of them, stopping early after SECONDS (default 5).\n"
		"A crashing input is written to CRASHFILE (default ./fuzz-crash.bin).\n",
		prog);
}

int main(int argc, char **argv)
{
	unsigned long iters = 20000, done = 0;
	unsigned long long seed = 0x63746278; /* "ctbx" */
	double limit = 5;
	struct timespec t0;
	uint8_t *buf;
	int c;

	while ((c = getopt(argc, argv, "n:s:t:c:h")) != -1) {
		switch (c) {
		case 'n':
			iters = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			limit = strtod(optarg, NULL);
			break;
		case 'c':
			crash_path = optarg;
			break;
		default:
			usage(argv[0]);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind == argc) {
		usage(argv[0]);
		return 2;
	}
	for (int i = optind; i < argc; i++)
		if (add_path(argv[i]))
			return 1;
	if (!npool) {
		fprintf(stderr, "%s: no seed inputs\n", argv[0]);
		return 1;
	}
	rng = seed ? seed : 1;
	hooks();
	for (size_t i = 0; i < npool; i++)
		run(pool[i].data, pool[i].len);
	printf("replayed %zu seed inputs\n", npool);

	buf = malloc(FUZZ_MAX_INPUT);
	if (!buf)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (; done < iters; done++) {
		const struct input *in = &pool[below(npool)];
		size_t len = in->len;

		/* the clock is read every 256 runs: cheap, and the run stays reproducible up to the cut */
		if (!(done & 255) && elapsed(&t0) > limit)
			break;
		memcpy(buf, in->data, len);
		mutate(buf, &len);
		run(buf, len);
	}
	printf("%lu mutated inputs in %.2fs (seed %#llx)%s\n", done, elapsed(&t0), seed,
	       done < iters ? ", stopped by the time limit" : "");
	free(buf);
	for (size_t i = 0; i < npool; i++)
		free(pool[i].data);
	return 0;
}
