"""samplefiles.py -- evidence files for the black-box tests (issue 12
item 3, R-DUP-2), built here byte by byte so that a clean machine needs no
sample files: a JPEG (SOI, APP0 JFIF, a comment, DQT, SOS, scan, EOI), a
Word 97-2003 document (an OLE2 compound file with a WordDocument stream),
a RAR 5 archive header, and the look-alikes the server must refuse (an
Excel workbook is OLE2 too; a .docx is a ZIP). Each call makes different
bytes unless `tag` is given: the tests choose when a file repeats."""
import os
import struct


def _tag(tag):
    return tag if tag is not None else os.urandom(12)


def jpeg(tag=None, size=None):
    """A JPEG; size: pad the scan data to exactly this many bytes."""
    com = b"xueji test " + _tag(tag)
    head = (b"\xff\xd8"
            + b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            + b"\xff\xfe" + struct.pack(">H", len(com) + 2) + com
            + b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes(range(1, 65))
            + b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00")
    tail = b"\xff\xd9"
    scan = b"\x12\x34\x56\x78"
    if size is not None:
        scan = b"\x55" * (size - len(head) - len(tail))
    return head + scan + tail


def _ole(stream, tag=None):
    sec = 512
    hdr = bytearray(sec)
    hdr[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<I", hdr, 44, 1)              # FAT sectors
    struct.pack_into("<I", hdr, 48, 1)              # first directory sector
    struct.pack_into("<I", hdr, 56, 4096)
    struct.pack_into("<I", hdr, 60, 0xFFFFFFFE)
    struct.pack_into("<I", hdr, 68, 0xFFFFFFFE)
    struct.pack_into("<I", hdr, 76, 0)              # DIFAT[0] = sector 0
    for i in range(1, 109):
        struct.pack_into("<I", hdr, 76 + 4 * i, 0xFFFFFFFF)
    fat = bytearray(b"\xff" * sec)
    struct.pack_into("<III", fat, 0, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE)
    d = bytearray(sec)
    root = "Root Entry".encode("utf-16-le")
    d[0:len(root)] = root
    struct.pack_into("<H", d, 64, len(root) + 2)
    d[66] = 5
    name = stream.encode("utf-16-le")
    d[128:128 + len(name)] = name
    struct.pack_into("<H", d, 128 + 64, len(name) + 2)
    d[128 + 66] = 2
    struct.pack_into("<II", d, 128 + 116, 2, 512)
    data = (b"xueji test document " + _tag(tag)).ljust(sec, b"\x00")
    return bytes(hdr + fat + d + data)


def doc(tag=None):
    return _ole("WordDocument", tag)


def xls(tag=None):
    """An Excel 97-2003 workbook: OLE2 without a WordDocument stream."""
    return _ole("Workbook", tag)


def rar(tag=None):
    return b"Rar!\x1a\x07\x01\x00" + b"\x33\x92\xb5\xe5\x0a\x01\x05\x06\x00\x05\x01\x01\x80\x80\x00" + _tag(tag)


def pdf(tag=None):
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n" + _tag(tag) + b"\n%%EOF\n"


def png(tag=None):
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + _tag(tag)


def docx(tag=None):
    return b"PK\x03\x04\x14\x00\x06\x00\x08\x00" + b"[Content_Types].xml" + _tag(tag)


def exe(tag=None):
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + _tag(tag)
