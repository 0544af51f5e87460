#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Offline subprojects: unpack a local source tarball where meson would put the wrap's download.
#
# Usage: unpack-wrap.py WRAPFILE TARBALL
# The tarball's single top directory becomes subprojects/<wrap's directory> and the wrap's
# patch_directory (packagefiles/NAME) is laid over it, as meson does after a download.
# A directory that exists already is left as it is (delete it to switch tarballs).
# Exit: 0 done or nothing to do, 1 with a message on stderr.
import configparser, os, shutil, sys, tarfile, tempfile


def unpack(tarball, root, dest):
    if not os.path.isfile(tarball):
        sys.exit('libmnl_tarball: %s: no such file' % tarball)
    tmp = tempfile.mkdtemp(prefix='.unpack-', dir=root)
    try:
        with tarfile.open(tarball) as t:
            # Plain files and directories only, and none that would land outside tmp.
            keep = []
            for m in t.getmembers():
                p = os.path.normpath(m.name)
                if os.path.isabs(p) or p == '..' or p.startswith('../'):
                    sys.exit('%s: unsafe member %s' % (tarball, m.name))
                if m.isfile() or m.isdir():
                    keep.append(m)
            t.extractall(tmp, members=keep)
        top = os.listdir(tmp)
        if len(top) != 1 or not os.path.isdir(os.path.join(tmp, top[0])):
            sys.exit('%s: expected one top-level directory, found %s' % (tarball, top))
        os.rename(os.path.join(tmp, top[0]), dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(wrapfile, tarball):
    wrap = configparser.ConfigParser(interpolation=None)
    if not wrap.read(wrapfile):
        sys.exit('%s: cannot read' % wrapfile)
    root = os.path.dirname(os.path.abspath(wrapfile))
    dest = os.path.join(root, wrap.get('wrap-file', 'directory'))
    if os.path.exists(dest):
        return 0
    unpack(tarball, root, dest)
    overlay = wrap.get('wrap-file', 'patch_directory', fallback=None)
    if overlay:
        shutil.copytree(os.path.join(root, 'packagefiles', overlay), dest, dirs_exist_ok=True)
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit('usage: unpack-wrap.py WRAPFILE TARBALL')
    sys.exit(main(sys.argv[1], sys.argv[2]))
