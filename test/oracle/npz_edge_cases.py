"""Edge-case .npz archives and what numpy.load makes of each (test/unit/npzEdgeCases.test.ts).

Writes test/fixtures/npz/<case>.npz and test/fixtures/npz/verdicts.json: for every case,
whether numpy.load(f)[key] reads it ("ok", with the array's shape and its values) or refuses
it ("error", with the exception type). Both .npz readers of the extension (whole file and
by blocks) must agree with each other on every case, and with numpy on every case but those
marked "numpy-only" (compression methods the extension does not implement).

Run: python3 test/oracle/npz_edge_cases.py [OUT_DIR]   (numpy; no random numbers; OUT_DIR defaults
to test/fixtures/npz; np.savez stamps members with the current time, so the bytes of the
savez-made cases change between runs, the verdicts do not)
"""
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "fixtures", "npz")

A = np.arange(6, dtype="<f8").reshape(3, 2) / 4.0
B = np.array([7.0, 8.0, 9.0])


def savez(compressed=False, **arrays):
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    return bytearray(buf.getvalue())


def eocd_at(z):
    return z.rindex(b"PK\x05\x06")


def with_eocd_count(z, count):
    z = bytearray(z)
    e = eocd_at(z)
    struct.pack_into("<HH", z, e + 8, count, count)
    return z


def npy_bytes(a):
    buf = io.BytesIO()
    np.save(buf, a)
    return buf.getvalue()


def zip_of(members, method=zipfile.ZIP_STORED, comment=b""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data, compress_type=method)
        zf.comment = comment
    return bytearray(buf.getvalue())


def zip64_end_records(z):
    """The same archive with a ZIP64 end record and locator before the EOCD, whose fields say 0xFFFF.. (as for > 65,535 members)."""
    z = bytearray(z)
    e = eocd_at(z)
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, clen = struct.unpack_from("<IHHHHIIH", z, e)
    rec = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, n_total, n_total, cd_size, cd_offset)
    loc = struct.pack("<IIQI", 0x07064B50, 0, e, 1)
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return z[:e] + rec + loc + eocd


def zip64_central_extra(z):
    """The one member's central entry with its sizes and offset in a ZIP64 extra field (0xFFFFFFFF in the fixed fields)."""
    z = bytearray(z)
    e = eocd_at(z)
    cd_offset = struct.unpack_from("<I", z, e + 16)[0]
    name_len, extra_len, comment_len = struct.unpack_from("<HHH", z, cd_offset + 28)
    csize, size = struct.unpack_from("<II", z, cd_offset + 20)
    local = struct.unpack_from("<I", z, cd_offset + 42)[0]
    entry = bytearray(z[cd_offset : cd_offset + 46 + name_len])  # the member's own extras dropped
    struct.pack_into("<II", entry, 20, 0xFFFFFFFF, 0xFFFFFFFF)
    struct.pack_into("<I", entry, 42, 0xFFFFFFFF)
    extra = struct.pack("<HHQQQ", 1, 24, size, csize, local)
    struct.pack_into("<HHH", entry, 28, name_len, len(extra), 0)
    entry += extra
    eocd = bytearray(z[e : e + 22])
    struct.pack_into("<I", eocd, 12, len(entry))
    return z[:cd_offset] + entry + eocd


def unseekable_zip(name, data):
    """Written to a stream that cannot seek: sizes and CRC in a data descriptor after the member (flag bit 3)."""

    class Sink(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()

        def writable(self):
            return True

        def write(self, b):
            self.buf += b
            return len(b)

    sink = Sink()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), "w") as f:
            f.write(data)
    return bytearray(sink.buf)


def cases():
    one = savez(x=A)
    two = savez(a=A, b=B)
    out = {}
    out["baseline-savez"] = (one, None)
    out["baseline-compressed"] = (savez(True, x=A), None)
    # the end record's entry counts are not what the readers go by: numpy (zipfile) reads
    # the central directory by its size
    out["eocd-count-65535"] = (with_eocd_count(one, 0xFFFF), None)
    out["eocd-count-0"] = (with_eocd_count(one, 0), None)
    out["eocd-count-2-of-1"] = (with_eocd_count(one, 2), None)
    out["eocd-count-1-of-2"] = (with_eocd_count(two, 1), "b")
    out["archive-comment"] = (zip_of([("x.npy", npy_bytes(A))], comment=b"an archive comment"), None)
    out["zip64-end-records"] = (zip64_end_records(one), None)
    out["zip64-central-extra"] = (zip64_central_extra(one), None)
    out["data-descriptor"] = (unseekable_zip("x.npy", npy_bytes(A)), None)
    out["directory-entry"] = (zip_of([("dir/", b""), ("x.npy", npy_bytes(A))]), "x")
    # two members of one name: numpy reads the last one
    out["duplicate-name"] = (zip_of([("x.npy", npy_bytes(B)), ("x.npy", npy_bytes(A))]), "x")
    # the central directory size counts one entry of two: only that one exists
    t = bytearray(two)
    e = eocd_at(t)
    sig, d1, d2, n1, n2, cd_size, cd_offset, clen = struct.unpack_from("<IHHHHIIH", t, e)
    first_len = 46 + struct.unpack_from("<HHH", t, cd_offset + 28)[0] + sum(struct.unpack_from("<HHH", t, cd_offset + 28)[1:])
    struct.pack_into("<I", t, e + 12, first_len)
    out["cd-size-one-of-two"] = (t, "b")
    # refused by numpy
    # the last end-record signature counts, even inside the comment (zipfile's rfind)
    out["end-signature-in-comment"] = (zip_of([("x.npy", npy_bytes(A))], comment=b"PK\x05\x06 inside a comment"), None)
    out["truncated-end"] = (one[: len(one) - 10], None)
    crc = bytearray(one)
    struct.pack_into("<I", crc, struct.unpack_from("<I", crc, eocd_at(crc) + 16)[0] + 16, 0x12345678)
    out["bad-crc"] = (crc, None)
    sigbad = bytearray(one)
    struct.pack_into("<I", sigbad, struct.unpack_from("<I", sigbad, eocd_at(sigbad) + 16)[0], 0x02014B51)
    out["bad-central-signature"] = (sigbad, None)
    named = zip_of([("x.npy", npy_bytes(A))])
    named[30:35] = b"y.npy"  # the local header's copy of the name
    out["local-name-differs"] = (named, None)
    out["prepended-bytes"] = (bytearray(b"#!junk\n" * 3) + one, None)
    # the same with every offset moved by the prefix (as `zip -A` does): zipfile reads it, numpy.load does not
    shifted = bytearray(b"#!junk\n" * 3) + one
    e = eocd_at(shifted)
    cd = struct.unpack_from("<I", shifted, e + 16)[0] + 21
    struct.pack_into("<I", shifted, e + 16, cd)
    struct.pack_into("<I", shifted, cd + 42, struct.unpack_from("<I", shifted, cd + 42)[0] + 21)
    out["prepended-bytes-offsets-moved"] = (shifted, None)
    enc = bytearray(one)
    cd = struct.unpack_from("<I", enc, eocd_at(enc) + 16)[0]
    struct.pack_into("<H", enc, cd + 8, struct.unpack_from("<H", enc, cd + 8)[0] | 1)
    struct.pack_into("<H", enc, 6, struct.unpack_from("<H", enc, 6)[0] | 1)
    out["encrypted-flag"] = (enc, None)
    off = bytearray(one)
    struct.pack_into("<I", off, eocd_at(off) + 16, len(off) + 100)
    out["cd-offset-beyond-end"] = (off, None)
    out["not-a-zip"] = (bytearray(b"PK\x03\x04 this is not really a zip file at all, only text" * 2), None)
    out["empty-archive"] = (savez(), None)
    # numpy reads it (zipfile implements bzip2); the extension does not (stored and deflate only)
    out["bzip2-member"] = (zip_of([("x.npy", npy_bytes(A))], zipfile.ZIP_BZIP2), None)
    return out


NUMPY_ONLY = {"bzip2-member"}


def verdict(path, key):
    try:
        with np.load(path, allow_pickle=False) as f:
            files = list(f.files)
            k = key if key is not None else (files[0] if len(files) == 1 else None)
            if k is None:
                return {"numpy": "error", "error": "ValueError", "detail": "not exactly one array: %r" % files}
            a = f[k]
            if not isinstance(a, np.ndarray):
                return {"numpy": "error", "error": type(a).__name__}
            return {"numpy": "ok", "key": k, "shape": list(a.shape), "values": a.ravel().tolist()}
    except Exception as err:  # what numpy refuses with, for the record
        return {"numpy": "error", "error": type(err).__name__, "detail": str(err)[:120]}


def main():
    os.makedirs(OUT, exist_ok=True)
    table = {}
    for name, (data, key) in cases().items():
        path = os.path.join(OUT, name + ".npz")
        with open(path, "wb") as fh:
            fh.write(bytes(data))
        v = verdict(path, key)
        v["requestKey"] = key
        if name in NUMPY_ONLY:
            v["numpyOnly"] = True
        table[name] = v
    with open(os.path.join(OUT, "verdicts.json"), "w") as fh:
        json.dump({"numpy": np.__version__, "python": sys.version.split()[0], "cases": table}, fh, indent=1, sort_keys=True)
        fh.write("\n")
    for name, v in table.items():
        print("%-24s %s %s" % (name, v["numpy"], v.get("error", v.get("shape"))))


if __name__ == "__main__":
    main()
