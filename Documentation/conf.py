# SPDX-License-Identifier: GPL-2.0
# Minimal Sphinx configuration: `make docs` builds Documentation/ with -W
# (any warning fails), the way the kernel's htmldocs would.
#
# The ioctl reference is pulled from the kernel-doc of include/uapi/xen/ with
# the kernel's own Sphinx extension (Documentation/sphinx/kerneldoc.py, which
# scripts/linux-source-tools extracts from linux-source-6.1 into build/tools)
# running the kernel-doc of the 6.12 headers package: 6.1's kernel-doc renders
# an object-like macro (every IOCTL_* of evtchn.h) as a function with empty
# parameters. scripts/docs-check also runs that kernel-doc with -Wall.
import os
import subprocess
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tools = os.environ.get("XEN_DMOP_TOOLS") or os.path.join(root, "build", "tools")
sys.path.insert(0, os.path.join(tools, "Documentation", "sphinx"))


def kernel_doc():
    if os.environ.get("XEN_DMOP_KERNEL_DOC"):
        return os.environ["XEN_DMOP_KERNEL_DOC"]
    kdir = subprocess.run([os.path.join(root, "scripts", "kdir"), "6.12"], cwd=root,
                          check=True, capture_output=True, text=True).stdout.strip()
    return os.path.join(kdir, "scripts", "kernel-doc")


project = "xen-dmop"
copyright = "xen-dmop developers"
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "classic"
highlight_language = "none"

extensions = ["kerneldoc"]
kerneldoc_bin = kernel_doc()
kerneldoc_srctree = root
