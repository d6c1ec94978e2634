#!/usr/bin/env python3
"""gen-unicode.py -- generate common/ucd.h and common/ucd.c from the
Unicode Character Database.

    tools/gen-unicode.py [UCD-DIRECTORY]

The directory defaults to /usr/share/unicode, where Debian's unicode-data
package puts the files (apt-get install unicode-data).  The generated
files are committed: building cafeboard never needs the database.

What the tables hold, for common/text.c:
  - per code point (a two-stage table): a class (letter, number, mark,
    format, unassigned...), whether it is default-ignorable, a visible
    format character (Prepended_Concatenation_Mark), whether it has an
    NFKC_Casefold mapping or a compatibility decomposition, and its
    canonical combining class;
  - NFKC_Casefold mappings (DerivedNormalizationProps.txt, NFKC_CF) of the
    code points it changes into something non-empty (default-ignorable code
    points map to nothing: the class table says which);
  - full compatibility decompositions (NFKD) of single code points, Hangul
    syllables excepted (they are computed);
  - canonical compositions: the primary composites, first + second ->
    composite.
One-to-one mappings are stored as runs (start, count, stride, delta); the
others as UTF-8 in one pool.
"""

import os
import re
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT_H = os.path.join(TOP, "common", "ucd.h")
OUT_C = os.path.join(TOP, "common", "ucd.c")

MAXCP = 0x110000
SBASE, LBASE, VBASE, TBASE = 0xAC00, 0x1100, 0x1161, 0x11A7
LCOUNT, VCOUNT, TCOUNT = 19, 21, 28
SCOUNT = LCOUNT * VCOUNT * TCOUNT
BLOCK = 128

# Classes, in the order of enum ucd_class.
CLASSES = ["UCD_OTHER", "UCD_LETTER", "UCD_NUMBER", "UCD_MARK", "UCD_SPACE",
           "UCD_SEPARATOR", "UCD_FORMAT", "UCD_CONTROL", "UCD_PRIVATE",
           "UCD_SURROGATE", "UCD_UNASSIGNED"]
GC_CLASS = {
    "Lu": 1, "Ll": 1, "Lt": 1, "Lm": 1, "Lo": 1,
    "Nd": 2, "Nl": 2, "No": 2,
    "Mn": 3, "Mc": 3, "Me": 3,
    "Zs": 4, "Zl": 5, "Zp": 5,
    "Cf": 6, "Cc": 7, "Co": 8, "Cs": 9, "Cn": 10,
}
F_IGNORABLE, F_VISIBLE_FORMAT, F_FOLD, F_DECOMP = 0x01, 0x02, 0x04, 0x08
F_SECOND = 0x10


def path(name):
    return os.path.join(UCD, name)


def version():
    with open(path("ReadMe.txt"), encoding="utf-8") as f:
        m = re.search(r"Version (\d+\.\d+\.\d+) of the Unicode Standard",
                      f.read())
    if not m:
        sys.exit("gen-unicode: no version in ReadMe.txt")
    return m.group(1)


def cprange(field):
    field = field.strip()
    if ".." in field:
        a, b = field.split("..")
        return range(int(a, 16), int(b, 16) + 1)
    return range(int(field, 16), int(field, 16) + 1)


def property_set(name, prop):
    s = set()
    with open(path(name), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            if not line.strip():
                continue
            fields = [x.strip() for x in line.split(";")]
            if len(fields) >= 2 and fields[1] == prop:
                s.update(cprange(fields[0]))
    return s


def read_unicode_data():
    gc = ["Cn"] * MAXCP
    ccc = [0] * MAXCP
    decomp = {}
    first = None
    with open(path("UnicodeData.txt"), encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split(";")
            cp = int(fields[0], 16)
            if fields[1].endswith(", First>"):
                first = cp
                continue
            lo = first if fields[1].endswith(", Last>") else cp
            first = None
            for c in range(lo, cp + 1):
                gc[c] = fields[2]
                ccc[c] = int(fields[3])
            if fields[5]:
                parts = fields[5].split()
                tag = parts[0].startswith("<")
                if tag:
                    parts = parts[1:]
                decomp[cp] = (tag, [int(x, 16) for x in parts])
    return gc, ccc, decomp


def read_nfkc_cf():
    m = {}
    with open(path("DerivedNormalizationProps.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            fields = [x.strip() for x in line.split(";")]
            if len(fields) < 3 or fields[1] != "NFKC_CF":
                continue
            to = [int(x, 16) for x in fields[2].split()]
            for c in cprange(fields[0]):
                m[c] = to
    return m


def hangul_decompose(c):
    s = c - SBASE
    out = [LBASE + s // (VCOUNT * TCOUNT),
           VBASE + (s % (VCOUNT * TCOUNT)) // TCOUNT]
    if s % TCOUNT:
        out.append(TBASE + s % TCOUNT)
    return out


def full_decompose(c, decomp, compat, memo):
    key = (c, compat)
    if key in memo:
        return memo[key]
    if SBASE <= c < SBASE + SCOUNT:
        r = hangul_decompose(c)
    elif c in decomp and (compat or not decomp[c][0]):
        r = []
        for d in decomp[c][1]:
            r += full_decompose(d, decomp, compat, memo)
    else:
        r = [c]
    memo[key] = r
    return r


def reorder(cps, ccc):
    # Canonical ordering: a stable sort of each run of non-starters.
    out = list(cps)
    i = 0
    while i < len(out):
        if ccc[out[i]] == 0:
            i += 1
            continue
        j = i
        while j < len(out) and ccc[out[j]] != 0:
            j += 1
        out[i:j] = sorted(out[i:j], key=lambda x: ccc[x])
        i = j
    return out


def runs_and_multi(mapping):
    """Split {cp: [cps]} into 1:1 runs and a list of longer mappings."""
    singles = sorted((c, m[0]) for c, m in mapping.items() if len(m) == 1)
    multi = sorted((c, m) for c, m in mapping.items() if len(m) != 1)
    runs = []
    i = 0
    while i < len(singles):
        c, t = singles[i]
        delta = t - c
        stride, count = 1, 1
        if i + 1 < len(singles):
            c2, t2 = singles[i + 1]
            if t2 - c2 == delta and c2 - c in (1, 2):
                stride = c2 - c
        while i + count < len(singles):
            cn, tn = singles[i + count]
            if cn != c + count * stride or tn - cn != delta or \
                    count >= 0xffff:
                break
            count += 1
        runs.append((c, count, stride, delta))
        i += count
    return runs, multi


def utf8(cps):
    return "".join(chr(c) for c in cps).encode("utf-8")


class Pool:
    def __init__(self):
        self.data = bytearray()
        self.index = {}

    def add(self, cps):
        b = utf8(cps)
        if b in self.index:
            return self.index[b]
        at = self.data.find(b)
        if at < 0:
            at = len(self.data)
            self.data += b
        self.index[b] = at
        return at


def c_array(ctype, name, values, per_line, fmt):
    lines = ["const %s %s[%d] = {" % (ctype, name, len(values))]
    for i in range(0, len(values), per_line):
        lines.append("\t" + " ".join(fmt(v) + "," for v in
                                     values[i:i + per_line]))
    lines.append("};")
    return "\n".join(lines)


def derived_fold(c, xfold, nfkd, ignorable):
    """NFD(NFKC_CF(c)) as text.c computes it: the exception table, or the
    NFKD of c whose parts are folded and decomposed again."""
    if c in ignorable:
        return []
    if c in xfold:
        m = xfold[c]
    else:
        m = []
        for d in decomposition(c, nfkd):
            if d not in ignorable:
                m += xfold.get(d, [d])
    out = []
    for e in m:
        out += decomposition(e, nfkd)
    return out


def decomposition(c, nfkd):
    if SBASE <= c < SBASE + SCOUNT:
        return hangul_decompose(c)
    return nfkd.get(c, [c])


def pack_run(r):
    start, count, stride, delta = r
    v = ((delta << 1) | (stride - 1)) & 0xffffffff
    return (start << 43) | (count << 32) | v


def pack_map(r):
    cp, off, n = r
    return (cp << 32) | (off << 8) | n


def main():
    ver = version()
    gc, ccc, decomp = read_unicode_data()
    ignorable = property_set("DerivedCoreProperties.txt",
                             "Default_Ignorable_Code_Point")
    pcm = property_set("PropList.txt", "Prepended_Concatenation_Mark")
    fce = property_set("DerivedNormalizationProps.txt",
                       "Full_Composition_Exclusion")
    nfkc_cf = read_nfkc_cf()

    # Default-ignorable code points are exactly those NFKC_CF removes.
    empty = {c for c, m in nfkc_cf.items() if not m}
    if empty != ignorable:
        sys.exit("gen-unicode: NFKC_CF empties %d code points, %d are "
                 "default-ignorable" % (len(empty), len(ignorable)))
    fold = {c: m for c, m in nfkc_cf.items() if m and m != [c]}

    memo = {}
    nfkd = {}
    for c in decomp:
        d = reorder(full_decompose(c, decomp, True, memo), ccc)
        if d != [c]:
            nfkd[c] = d

    # Most folds follow from the decomposition: store the folds of code
    # points without one, then whatever the derivation gets wrong.
    xfold = {c: m for c, m in fold.items() if c not in nfkd}
    exceptions = 0
    longest = 1
    grow = 1
    for c in range(MAXCP):
        if 0xD800 <= c <= 0xDFFF:
            continue
        want = []
        for t in nfkc_cf.get(c, [c]):
            want += full_decompose(t, decomp, False, memo)
        want = reorder(want, ccc)
        got = reorder(derived_fold(c, xfold, nfkd, ignorable), ccc)
        if got != want:
            xfold[c] = nfkc_cf.get(c, [c])
            exceptions += 1
            got = reorder(derived_fold(c, xfold, nfkd, ignorable), ccc)
            if got != want:
                sys.exit("gen-unicode: U+%04X does not fold" % c)
        longest = max(longest, len(got), len(decomposition(c, nfkd)))
        if got:
            grow = max(grow, -(-len(utf8(got)) // len(utf8([c]))))

    pairs = {}
    for c, (tag, d) in decomp.items():
        if not tag and len(d) == 2 and c not in fce:
            pairs[(d[0], d[1])] = c

    seconds = {sec for (first, sec) in pairs}

    # Per code point properties, in a two-stage table.
    records = {}
    prop_index = []
    for c in range(MAXCP):
        cls = GC_CLASS.get(gc[c], 0)
        flags = 0
        if c in ignorable:
            flags |= F_IGNORABLE
        if c in pcm:
            flags |= F_VISIBLE_FORMAT
        if c in xfold:
            flags |= F_FOLD
        if c in nfkd:
            flags |= F_DECOMP
        if c in seconds:
            flags |= F_SECOND
        rec = (cls, flags, ccc[c])
        if rec not in records:
            records[rec] = len(records)
        prop_index.append(records[rec])
    if len(records) > 256:
        sys.exit("gen-unicode: %d property records" % len(records))
    blocks = {}
    stage1 = []
    stage2 = []
    for b in range(0, MAXCP, BLOCK):
        blk = tuple(prop_index[b:b + BLOCK])
        if blk not in blocks:
            blocks[blk] = len(blocks)
            stage2.extend(blk)
        stage1.append(blocks[blk])
    if len(blocks) > 256:
        sys.exit("gen-unicode: %d blocks do not fit stage 1" % len(blocks))

    pool = Pool()
    fold_runs, fold_multi = runs_and_multi(xfold)
    kd_runs, kd_multi = runs_and_multi(nfkd)
    fold_multi = [(c, pool.add(m), len(utf8(m))) for c, m in fold_multi]
    kd_multi = [(c, pool.add(m), len(utf8(m))) for c, m in kd_multi]
    if len(pool.data) > 0xffff:
        sys.exit("gen-unicode: pool too large")
    for c, off, n in fold_multi + kd_multi:
        if n > 255:
            sys.exit("gen-unicode: mapping too long")
    for start, count, stride, delta in fold_runs + kd_runs:
        if count > 0x7ff or not -(1 << 30) <= delta < (1 << 30):
            sys.exit("gen-unicode: run does not pack")
    comp = sorted((f << 42) | (s << 21) | c for (f, s), c in pairs.items())

    sizes = {
        "stage1": len(stage1),
        "stage2": len(stage2),
        "records": len(records) * 3,
        "fold runs": len(fold_runs) * 8,
        "fold multi": len(fold_multi) * 8,
        "nfkd runs": len(kd_runs) * 8,
        "nfkd multi": len(kd_multi) * 8,
        "pool": len(pool.data),
        "compositions": len(comp) * 8,
    }
    total = sum(sizes.values())

    rec_list = sorted(records.items(), key=lambda kv: kv[1])
    h = """/*
 * ucd.h -- tables from the Unicode Character Database %(ver)s.
 *
 * GENERATED by tools/gen-unicode.py from Debian's unicode-data package:
 * do not edit; run the script again for a new Unicode version.  Only
 * common/text.c reads them.
 */
#ifndef CB_UCD_H
#define CB_UCD_H

#include <stdint.h>

#define UCD_VERSION	"%(ver)s"

/* The class of a code point (from its General_Category). */
enum ucd_class {
	UCD_OTHER,		/* punctuation and symbols (P*, S*) */
	UCD_LETTER,		/* L* */
	UCD_NUMBER,		/* N* */
	UCD_MARK,		/* M* */
	UCD_SPACE,		/* Zs */
	UCD_SEPARATOR,		/* Zl, Zp */
	UCD_FORMAT,		/* Cf */
	UCD_CONTROL,		/* Cc */
	UCD_PRIVATE,		/* Co */
	UCD_SURROGATE,		/* Cs */
	UCD_UNASSIGNED,		/* Cn */
};

/* Flags of a code point. */
#define UCD_IGNORABLE		0x01	/* Default_Ignorable_Code_Point */
#define UCD_VISIBLE_FORMAT	0x02	/* Prepended_Concatenation_Mark */
#define UCD_FOLD		0x04	/* in ucd_fold_*: see below */
#define UCD_DECOMP		0x08	/* in ucd_decomp_* (Hangul is computed) */
#define UCD_SECOND		0x10	/* second of a pair in ucd_comps */

/* Code points per block of the two-stage table. */
#define UCD_BLOCK		%(block)d
/* The most code points one code point folds or decomposes into. */
#define UCD_MAX_EXPANSION	%(longest)d
/* The most bytes of UTF-8 a fold makes of one byte of input. */
#define UCD_FOLD_GROWTH		%(grow)d

struct ucd_props {
	uint8_t		cls;		/* enum ucd_class */
	uint8_t		flags;
	uint8_t		ccc;		/* Canonical_Combining_Class */
};

/*
 * A run of one-to-one mappings: for i < count, start + i * stride maps to
 * itself + delta.  Packed: start (21 bits), count (11), then delta * 2 +
 * stride - 1 as a signed 32-bit value.
 */
#define UCD_RUN_START(r)	((uint32_t)((r) >> 43))
#define UCD_RUN_COUNT(r)	((uint32_t)((r) >> 32) & 0x7ff)
#define UCD_RUN_STRIDE(r)	((uint32_t)((r) & 1) + 1)
#define UCD_RUN_DELTA(r)	((int32_t)(uint32_t)(r) >> 1)
/* A longer mapping: code point (21 bits), offset in ucd_pool (16), length
 * in bytes of UTF-8 (8). */
#define UCD_MAP_CP(m)		((uint32_t)((m) >> 32))
#define UCD_MAP_OFF(m)		((uint32_t)((m) >> 8) & 0xffff)
#define UCD_MAP_LEN(m)		((uint32_t)(m) & 0xff)
/* A canonical composition: first (21 bits), second (21), composite (21). */
#define UCD_COMP_KEY(c)		((c) >> 21)
#define UCD_COMP_CP(c)		((uint32_t)(c) & 0x1fffff)

/* ucd_props[ucd_stage2[ucd_stage1[cp / UCD_BLOCK] * UCD_BLOCK + cp %% UCD_BLOCK]] */
extern const uint8_t		ucd_stage1[%(n1)d];
extern const uint8_t		ucd_stage2[%(n2)d];
extern const struct ucd_props	ucd_props[%(nrec)d];
/*
 * NFKC_Casefold of the code points flagged UCD_FOLD.  The others fold as
 * their decomposition does, part by part: NFD(NFKC_CF(c)) is the
 * decomposition of the fold of each part of the decomposition of c (the
 * generator checks it for every code point).  Sorted by code point.
 */
extern const uint64_t		ucd_fold_runs[%(nfr)d];
extern const uint64_t		ucd_fold_multi[%(nfm)d];
/* Full compatibility decompositions (NFKD), sorted by code point. */
extern const uint64_t		ucd_decomp_runs[%(nkr)d];
extern const uint64_t		ucd_decomp_multi[%(nkm)d];
extern const uint8_t		ucd_pool[%(npool)d];
/* The primary composites, sorted by first, then second. */
extern const uint64_t		ucd_comps[%(ncomp)d];

#endif /* CB_UCD_H */
""" % {"ver": ver, "block": BLOCK, "longest": longest, "grow": grow,
       "n1": len(stage1), "n2": len(stage2), "nrec": len(records),
       "nfr": len(fold_runs), "nfm": len(fold_multi), "nkr": len(kd_runs),
       "nkm": len(kd_multi), "npool": len(pool.data), "ncomp": len(comp)}

    parts = ["""/*
 * ucd.c -- tables from the Unicode Character Database %s (see ucd.h).
 *
 * GENERATED by tools/gen-unicode.py: do not edit.  %d bytes of tables.
 */
#include "ucd.h\"""" % (ver, total)]
    parts.append(c_array("uint8_t", "ucd_stage1", stage1, 20,
                         lambda v: "%d" % v))
    parts.append(c_array("uint8_t", "ucd_stage2", stage2, 20,
                         lambda v: "%d" % v))
    parts.append(c_array("struct ucd_props", "ucd_props",
                         [r for r, _ in rec_list], 4,
                         lambda r: "{ %d, 0x%02x, %d }" % r))
    u64 = lambda v: "0x%016xULL" % v
    parts.append(c_array("uint64_t", "ucd_fold_runs",
                         [pack_run(r) for r in fold_runs], 3, u64))
    parts.append(c_array("uint64_t", "ucd_fold_multi",
                         [pack_map(r) for r in fold_multi], 3, u64))
    parts.append(c_array("uint64_t", "ucd_decomp_runs",
                         [pack_run(r) for r in kd_runs], 3, u64))
    parts.append(c_array("uint64_t", "ucd_decomp_multi",
                         [pack_map(r) for r in kd_multi], 3, u64))
    parts.append(c_array("uint8_t", "ucd_pool", list(pool.data), 12,
                         lambda v: "0x%02x" % v))
    parts.append(c_array("uint64_t", "ucd_comps", comp, 3, u64))

    with open(OUT_H, "w", encoding="utf-8") as f:
        f.write(h)
    with open(OUT_C, "w", encoding="utf-8") as f:
        f.write("\n\n".join(parts) + "\n")
    for k, v in sizes.items():
        print("gen-unicode: %-13s %7d bytes" % (k, v))
    print("gen-unicode: Unicode %s: %d bytes of tables; %d property "
          "records in %d blocks; %d fold exceptions; a code point folds "
          "into at most %d (x%d bytes)" %
          (ver, total, len(records), len(blocks), exceptions, longest, grow))


if __name__ == "__main__":
    main()
