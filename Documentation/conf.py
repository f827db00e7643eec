# SPDX-License-Identifier: GPL-2.0
# Minimal Sphinx configuration: `make docs` builds Documentation/ with -W
# (any warning fails), the way the kernel's htmldocs would.
project = "xen-dmop"
copyright = "xen-dmop developers"
master_doc = "index"
exclude_patterns = ["_build"]
html_theme = "classic"
highlight_language = "none"
